import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createEffect, createSignal, For, onCleanup, Show } from "solid-js";
import { ConfirmDialog } from "../../components/dialog";
import { QueryView } from "../../components/query-view";
import { PageHeader } from "../../components/ui";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";
import type { Endpoint, EndpointActions } from "./actions";
import { CreateWebhookDialog } from "./create-dialog";
import { EditWebhookDialog } from "./edit-dialog";
import { EndpointCard } from "./endpoint-card";
import { RotateSecretDialog } from "./rotate-dialog";
import { type RevealedSecret, SecretReveal } from "./secret-reveal";

/** The organization's webhook endpoints: everyone reads them and their deliveries, admins change them. */
export function WebhooksPage() {
  const session = useSession();
  const client = useQueryClient();
  const key = () => queryKeys.webhooks(session.organizationId() ?? "");
  const endpoints = useQuery(() => ({ queryKey: key(), queryFn: () => session.api().webhooks.list.query() }));
  const refetch = () => void client.invalidateQueries({ queryKey: key() });
  // RelayPost turning an endpoint off after repeated failure shows at once.
  createEffect(() => {
    const stop = session.live().listen((event) => {
      if (event.type === "webhook.disabled") refetch();
    });
    onCleanup(stop);
  });
  const [creating, setCreating] = createSignal(false);
  const [revealed, setRevealed] = createSignal<RevealedSecret | null>(null);
  const [editing, setEditing] = createSignal<Endpoint | null>(null);
  const [turningOff, setTurningOff] = createSignal<Endpoint | null>(null);
  const [rotating, setRotating] = createSignal<Endpoint | null>(null);
  const [deleting, setDeleting] = createSignal<Endpoint | null>(null);
  const actions: EndpointActions = {
    edit: setEditing,
    turnOff: setTurningOff,
    rotate: setRotating,
    remove: setDeleting,
    changed: refetch,
  };
  return (
    <div class="page">
      <PageHeader
        title="Webhooks"
        lead="HTTPS endpoints RelayPost sends this organization's events to, signed so the receiver can check they came from here."
        action={{ icon: "plus", label: "Add webhook", onClick: () => setCreating(true) }}
      />
      <section class="panel panel-flush">
        <QueryView
          query={endpoints}
          isEmpty={(list) => list.length === 0}
          empty={{
            icon: "activity",
            title: "No webhooks",
            children: <p class="muted">Add an endpoint to be told of logins, messages and credential changes.</p>,
          }}
        >
          {(list) => (
            <ul class="webhook-list" aria-label="Webhook endpoints">
              <For each={list()}>{(endpoint) => <EndpointCard endpoint={endpoint} actions={actions} />}</For>
            </ul>
          )}
        </QueryView>
      </section>

      <Show when={creating()}>
        <CreateWebhookDialog
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setRevealed({ title: "Webhook added", url: result.endpoint.url, secret: result.secret });
            refetch();
          }}
        />
      </Show>
      <Show when={editing()}>
        {(endpoint) => (
          <EditWebhookDialog
            endpoint={endpoint()}
            onClose={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              refetch();
            }}
          />
        )}
      </Show>
      <Show when={rotating()}>
        {(endpoint) => (
          <RotateSecretDialog
            endpoint={endpoint()}
            onClose={() => setRotating(null)}
            onRotated={(result) => {
              setRotating(null);
              setRevealed({ title: "Signing secret rotated", url: result.endpoint.url, secret: result.secret });
              refetch();
            }}
          />
        )}
      </Show>
      <Show when={revealed()}>{(secret) => <SecretReveal secret={secret()} onClose={() => setRevealed(null)} />}</Show>
      <Show when={turningOff()}>
        {(endpoint) => (
          <ConfirmDialog
            title="Turn off this webhook?"
            confirmLabel="Turn off"
            onClose={() => setTurningOff(null)}
            onConfirm={async () => {
              await session.api().webhooks.disable.mutate({ id: endpoint().id });
              setTurningOff(null);
              refetch();
            }}
          >
            <p>
              <span class="mono break-anywhere">{endpoint().url}</span> is not sent the events that happen while it is
              off.
            </p>
          </ConfirmDialog>
        )}
      </Show>
      <Show when={deleting()}>
        {(endpoint) => (
          <ConfirmDialog
            title="Delete this webhook?"
            confirmLabel="Delete webhook"
            onClose={() => setDeleting(null)}
            onConfirm={async () => {
              await session.api().webhooks.delete.mutate({ id: endpoint().id });
              setDeleting(null);
              refetch();
            }}
          >
            <p>
              <span class="mono break-anywhere">{endpoint().url}</span> is sent no more events, and its delivery log is
              deleted.
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </div>
  );
}
