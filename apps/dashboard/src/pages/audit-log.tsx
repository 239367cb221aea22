import { createEffect, createSignal, For, on, Show } from "solid-js";
import { EmptyState, ErrorState, PageHeader, RelativeTime, Spinner, Table } from "../components/ui";
import type { Outputs } from "../lib/api";
import { api, organization } from "../lib/session";

type Entry = Outputs["auditLog"]["list"]["items"][number];

const ACTIONS: Record<string, string> = {
  "credential.created": "Created SMTP credential",
  "credential.updated": "Updated SMTP credential",
  "credential.password_regenerated": "Regenerated password of",
  "credential.activated": "Activated SMTP credential",
  "credential.deactivated": "Deactivated SMTP credential",
  "credential.deleted": "Deleted SMTP credential",
  "api_key.created": "Created API key",
  "api_key.revoked": "Revoked API key",
  "member.added": "Added member",
  "member.joined": "Joined through an invitation",
  "member.role_changed": "Changed the role of a member",
  "member.removed": "Removed a member",
  "invitation.created": "Created an invitation link",
  "invitation.revoked": "Revoked an invitation link",
  "organization.created": "Created the organization",
  "organization.renamed": "Renamed the organization",
  "user.password_changed": "Changed their password (other sessions signed out)",
};

export function AuditLogPage() {
  const [entries, setEntries] = createSignal<Entry[]>([]);
  const [cursor, setCursor] = createSignal<number | null>(null);
  const [loading, setLoading] = createSignal(true);
  const [error, setError] = createSignal<unknown>(null);
  let generation = 0;

  async function load(after: number | null) {
    const mine = after === null ? ++generation : generation;
    setLoading(true);
    setError(null);
    try {
      const page = await api().auditLog.list.query({ cursor: after, limit: 50 });
      if (mine !== generation) return;
      setEntries((current) => (after === null ? page.items : [...current, ...page.items]));
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === generation) setError(e);
    } finally {
      if (mine === generation) setLoading(false);
    }
  }
  createEffect(
    on(
      () => organization()?.id,
      () => {
        setEntries([]);
        void load(null);
      },
    ),
  );

  return (
    <div class="page">
      <PageHeader title="Audit log" lead="Every change in this organization: who made it, from where and when." />
      <section class="panel panel-flush">
        <Show when={!error()} fallback={<ErrorState error={error()} retry={() => void load(null)} />}>
          <Show when={entries().length > 0 || !loading()} fallback={<Spinner />}>
            <Show when={entries().length > 0} fallback={<EmptyState icon="list" title="Nothing recorded yet" />}>
              <Table caption="Audit log" head={["Time", "Actor", "Action", "Target", "Address"]} class="audit">
                <For each={entries()}>
                  {(entry) => (
                    <tr data-testid="audit-row">
                      <td class="nowrap">
                        <RelativeTime date={entry.createdAt} />
                      </td>
                      <td>
                        {entry.actorLabel}
                        <Show when={entry.actorType !== "user"}>
                          <span class="muted"> ({entry.actorType === "api_key" ? "API" : "system"})</span>
                        </Show>
                      </td>
                      <td>{ACTIONS[entry.action] ?? entry.action}</td>
                      <td class="mono">{entry.targetLabel ?? ""}</td>
                      <td class="mono muted">{entry.remoteAddress ?? "—"}</td>
                    </tr>
                  )}
                </For>
              </Table>
              <footer class="list-footer">
                <span class="muted">{entries().length} entries</span>
                <Show when={cursor()}>
                  <button type="button" class="button" disabled={loading()} onClick={() => void load(cursor())}>
                    {loading() ? "Loading…" : "Load older entries"}
                  </button>
                </Show>
              </footer>
            </Show>
          </Show>
        </Show>
      </section>
    </div>
  );
}
