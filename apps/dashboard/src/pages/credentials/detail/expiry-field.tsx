import { createUniqueId, Show } from "solid-js";

/** When the credential stops working, in the browser's time zone; blank never. */
export function ExpiryField(props: { value: string; onInput: (value: string) => void; error: string | undefined }) {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={id}>Expires</label>
      <div class="field-row">
        <input
          id={id}
          type="datetime-local"
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={Boolean(props.error)}
          aria-describedby={`${id}-hint`}
        />
        <Show when={props.value !== ""}>
          <button type="button" class="button" onClick={() => props.onInput("")}>
            Never expire
          </button>
        </Show>
      </div>
      <span id={`${id}-hint`} class="hint" classList={{ "hint-error": Boolean(props.error) }}>
        {props.error ??
          `Logins are refused from this time on (${Intl.DateTimeFormat().resolvedOptions().timeZone}). Empty: never expires.`}
      </span>
    </div>
  );
}
