import { SENDING_LIMIT_MAX, SENDING_LIMITS, type SendingLimit } from "@relaypost/contract";
import { createUniqueId, For, Show } from "solid-js";
import { LIMIT_LABELS } from "../../../lib/restrictions";
import { LimitUsage } from "./limit-usage";
import type { CredentialDetail } from "./use-credential";

/** The four sending limits, each with what is used of it now; blank is no limit. */
export function LimitsFieldset(props: {
  credential: CredentialDetail;
  values: Record<SendingLimit, string>;
  onInput: (limit: SendingLimit, value: string) => void;
  error: (limit: SendingLimit) => string | undefined;
  /** The server's refusal of the limits as a whole. */
  groupError: string | undefined;
}) {
  return (
    <fieldset class="limits">
      <legend>Sending limits</legend>
      <p
        class="hint"
        classList={{ "hint-error": Boolean(props.groupError) }}
        role={props.groupError ? "alert" : undefined}
      >
        {props.groupError ?? "Per minute, hour and day count in fixed UTC windows. Empty: no limit."}
      </p>
      <div class="limits-grid">
        <For each={SENDING_LIMITS}>{(limit) => <LimitField limit={limit} {...props} />}</For>
      </div>
    </fieldset>
  );
}

function LimitField(props: {
  limit: SendingLimit;
  credential: CredentialDetail;
  values: Record<SendingLimit, string>;
  onInput: (limit: SendingLimit, value: string) => void;
  error: (limit: SendingLimit) => string | undefined;
}) {
  const id = createUniqueId();
  const error = () => props.error(props.limit);
  return (
    <div class="field">
      <label for={id}>{LIMIT_LABELS[props.limit]}</label>
      <input
        id={id}
        type="number"
        inputmode="numeric"
        min={1}
        max={SENDING_LIMIT_MAX}
        step={1}
        placeholder="No limit"
        value={props.values[props.limit]}
        onInput={(e) => props.onInput(props.limit, e.currentTarget.value)}
        aria-invalid={Boolean(error())}
        aria-describedby={error() ? `${id}-hint` : undefined}
      />
      <Show when={error()}>
        <span id={`${id}-hint`} class="hint hint-error">
          {error()}
        </span>
      </Show>
      <LimitUsage limit={props.limit} credential={props.credential} />
    </div>
  );
}
