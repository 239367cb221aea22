import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createSignal, createUniqueId, For, Show } from "solid-js";
import { ConfirmDialog, Dialog, DialogActions } from "../components/dialog";
import { CopyField, FormError } from "../components/form";
import { QueryView } from "../components/query-view";
import { RevealDialog } from "../components/reveal-dialog";
import { PageHeader, RelativeTime, RoleBadge, RowDangerButton, Table } from "../components/ui";
import type { Outputs } from "../lib/api";
import { queryKeys } from "../lib/query";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";
import { formatDate } from "../lib/time";

type ApiKey = Outputs["apiKeys"]["list"][number];

export function ApiKeysPage() {
  const session = useSession();
  const client = useQueryClient();
  const key = () => queryKeys.apiKeys(session.organizationId() ?? "");
  const keys = useQuery(() => ({ queryKey: key(), queryFn: () => session.api().apiKeys.list.query() }));
  const refetch = () => void client.invalidateQueries({ queryKey: key() });
  const [creating, setCreating] = createSignal(false);
  const [revealed, setRevealed] = createSignal<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = createSignal<ApiKey | null>(null);
  return (
    <div class="page">
      <PageHeader
        title="API keys"
        lead="Keys for services that manage credentials through the RelayPost API. Not for SMTP logins."
        action={{ icon: "plus", label: "Create API key", onClick: () => setCreating(true) }}
      />
      <section class="panel panel-flush">
        <QueryView
          query={keys}
          isEmpty={(list) => list.length === 0}
          empty={{
            icon: "key",
            title: "No API keys",
            children: (
              <p class="muted">Create a key for each service that calls the API, with the least role it needs.</p>
            ),
          }}
        >
          {(list) => (
            <Table caption="API keys" head={["Name", "Role", "Key", "Last used", "Created", ""]}>
              <For each={list()}>{(k) => <ApiKeyRow apiKey={k} onRevoke={() => setRevoking(k)} />}</For>
            </Table>
          )}
        </QueryView>
      </section>

      <Show when={creating()}>
        <CreateApiKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(name, token) => {
            setCreating(false);
            setRevealed({ name, token });
            refetch();
          }}
        />
      </Show>
      <Show when={revealed()}>
        {(r) => (
          <RevealDialog
            title="API key created"
            notice={
              <>
                <strong>Copy this key now. You will not see it again.</strong> Send it as{" "}
                <span class="mono">Authorization: Bearer …</span>.
              </>
            }
            doneLabel="I've saved the key"
            onClose={() => setRevealed(null)}
          >
            <CopyField label={`Key for ${r().name}`} value={r().token} secret testId="revealed-api-key" />
          </RevealDialog>
        )}
      </Show>
      <Show when={revoking()}>
        {(k) => (
          <ConfirmDialog
            title={`Revoke ${k().name}?`}
            confirmLabel="Revoke key"
            onClose={() => setRevoking(null)}
            onConfirm={async () => {
              await session.api().apiKeys.revoke.mutate({ id: k().id });
              setRevoking(null);
              refetch();
            }}
          >
            <p>Services using this key lose access immediately, including their live subscriptions.</p>
          </ConfirmDialog>
        )}
      </Show>
    </div>
  );
}

function ApiKeyRow(props: { apiKey: ApiKey; onRevoke: () => void }) {
  const { canWrite } = useSession();
  const key = () => props.apiKey;
  return (
    <tr classList={{ revoked: Boolean(key().revokedAt) }} data-testid="api-key-row">
      <td class="cell-main">{key().name}</td>
      <td>
        <RoleBadge role={key().role} />
      </td>
      <td class="mono muted">{key().prefix}…</td>
      <td>
        <RelativeTime date={key().lastUsedAt} />
      </td>
      <td>{formatDate(key().createdAt)}</td>
      <td class="cell-actions">
        <Show
          when={!key().revokedAt}
          fallback={<span class="badge badge-off">Revoked {formatDate(key().revokedAt ?? new Date())}</span>}
        >
          <Show when={canWrite()}>
            <RowDangerButton label="Revoke" onClick={props.onRevoke} />
          </Show>
        </Show>
      </td>
    </tr>
  );
}

function CreateApiKeyDialog(props: { onClose: () => void; onCreated: (name: string, token: string) => void }) {
  const { api } = useSession();
  const [name, setName] = createSignal("");
  const [role, setRole] = createSignal<"admin" | "viewer">("viewer");
  const submission = createSubmission(["name"]);
  const nameId = createUniqueId();
  const roleId = createUniqueId();
  return (
    <Dialog title="Create API key" onClose={props.onClose}>
      <form
        class="dialog-body form"
        onSubmit={(event) => {
          event.preventDefault();
          void submission.run(async () => {
            const result = await api().apiKeys.create.mutate({ name: name(), role: role() });
            props.onCreated(result.apiKey.name, result.token);
          });
        }}
      >
        <div class="field">
          <label for={nameId}>Name</label>
          <input
            id={nameId}
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
            placeholder="e.g. Billing service"
            maxLength={100}
            required
            aria-invalid={Boolean(submission.fieldError("name"))}
          />
          <Show when={submission.fieldError("name")}>
            <span class="hint hint-error">{submission.fieldError("name")}</span>
          </Show>
        </div>
        <div class="field">
          <label for={roleId}>Role</label>
          <select id={roleId} value={role()} onChange={(e) => setRole(e.currentTarget.value as "admin" | "viewer")}>
            <option value="viewer">Viewer — read credentials and events</option>
            <option value="admin">Admin — also create, change and delete credentials</option>
          </select>
        </div>
        <FormError message={submission.error()} />
        <DialogActions
          onCancel={props.onClose}
          label="Create key"
          busyLabel="Creating…"
          busy={submission.busy()}
          disabled={name().trim() === ""}
        />
      </form>
    </Dialog>
  );
}
