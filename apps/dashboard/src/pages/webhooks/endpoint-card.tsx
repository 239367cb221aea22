import { createSignal, createUniqueId, Show } from "solid-js";
import { FormError } from "../../components/form";
import { Icon } from "../../components/icon";
import { RelativeTime } from "../../components/ui";
import { useSession } from "../../lib/session";
import { createSubmission } from "../../lib/submission";
import { describeEventTypes, endpointState } from "../../lib/webhooks";
import type { Endpoint, EndpointActions } from "./actions";
import { Deliveries } from "./deliveries";

const BADGE = { active: "badge-ok", off: "badge-off", failed: "badge-failed" } as const;

/** One endpoint: where it is, what it is sent, whether it is on; its deliveries open beneath. */
export function EndpointCard(props: { endpoint: Endpoint; actions: EndpointActions }) {
  const e = () => props.endpoint;
  const state = () => endpointState(e());
  const [open, setOpen] = createSignal(false);
  const deliveriesId = createUniqueId();
  return (
    <li class="webhook" data-testid="webhook-row" data-url={e().url}>
      <div class="webhook-summary">
        <div class="webhook-main">
          <span class="mono webhook-url">{e().url}</span>
          <Show when={e().description}>
            <span class="description">{e().description}</span>
          </Show>
          <span class="webhook-events" data-testid="webhook-events">
            {describeEventTypes(e().eventTypes)}
          </span>
        </div>
        <div class="webhook-state">
          <span class={`badge ${BADGE[state().kind]} badge-wrap`} data-testid="webhook-status">
            {state().label}
          </span>
          <Show when={e().consecutiveFailures > 0}>
            <span class="muted" data-testid="webhook-failures">
              {e().consecutiveFailures} {e().consecutiveFailures === 1 ? "failure" : "failures"} in a row
            </span>
          </Show>
          <Show when={e().previousSecretExpiresAt}>
            {(until) => (
              <span class="muted">
                Previous secret signs until <RelativeTime date={until()} />
              </span>
            )}
          </Show>
        </div>
        <div class="row-actions">
          <button
            type="button"
            class="button button-small"
            aria-expanded={open()}
            aria-controls={deliveriesId}
            aria-label={`Deliveries of webhook ${e().url}`}
            onClick={() => setOpen(!open())}
          >
            <Icon name="list" /> Deliveries
          </button>
          <AdminButtons endpoint={e()} actions={props.actions} />
        </div>
      </div>
      <Show when={open()}>
        <div id={deliveriesId} class="webhook-deliveries">
          <Deliveries endpointId={e().id} url={e().url} />
        </div>
      </Show>
    </li>
  );
}

/** Editing, turning on, off, rotating and deleting: for admins only. Turning on needs no confirmation, the others ask. */
function AdminButtons(props: { endpoint: Endpoint; actions: EndpointActions }) {
  const session = useSession();
  const e = () => props.endpoint;
  const enabling = createSubmission();
  return (
    <Show when={session.canWrite()}>
      <button
        type="button"
        class="button button-small"
        aria-label={`Edit webhook ${e().url}`}
        onClick={() => props.actions.edit(e())}
      >
        <Icon name="pencil" /> Edit
      </button>
      <Show
        when={e().enabled}
        fallback={
          <button
            type="button"
            class="button button-small"
            disabled={enabling.busy()}
            aria-label={`Turn on webhook ${e().url}`}
            onClick={() =>
              void enabling.run(async () => {
                await session.api().webhooks.enable.mutate({ id: e().id });
                props.actions.changed();
              })
            }
          >
            Turn on
          </button>
        }
      >
        <button
          type="button"
          class="button button-small"
          aria-label={`Turn off webhook ${e().url}`}
          onClick={() => props.actions.turnOff(e())}
        >
          Turn off
        </button>
      </Show>
      <button
        type="button"
        class="button button-small"
        aria-label={`Rotate secret of webhook ${e().url}`}
        onClick={() => props.actions.rotate(e())}
      >
        <Icon name="refresh" /> Rotate secret
      </button>
      <button
        type="button"
        class="icon-button icon-button-danger"
        aria-label={`Delete webhook ${e().url}`}
        title="Delete"
        onClick={() => props.actions.remove(e())}
      >
        <Icon name="trash" />
      </button>
      <FormError message={enabling.error()} />
    </Show>
  );
}
