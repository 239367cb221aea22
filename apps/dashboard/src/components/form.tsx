import { createSignal, createUniqueId, onCleanup, Show } from "solid-js";
import { Icon } from "./icon";

async function copyText(text: string) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-HTTP origins other than localhost have no Clipboard API; the selection command still works there.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

/**
 * Copies `value` and says so for two seconds; its accessible name names what it copies (`label`), so several on one
 * screen stay distinct.
 */
export function CopyButton(props: { label: string; value: string; class?: string }) {
  const [copied, setCopied] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  return (
    <>
      <button
        type="button"
        class={props.class ?? "button"}
        aria-label={`${copied() ? "Copied" : "Copy"} ${props.label}`}
        onClick={async () => {
          await copyText(props.value);
          setCopied(true);
          clearTimeout(timer);
          timer = setTimeout(() => setCopied(false), 2000);
        }}
      >
        <Icon name={copied() ? "check" : "copy"} />
        <span>{copied() ? "Copied" : "Copy"}</span>
      </button>
      <span class="visually-hidden" aria-live="polite">
        {copied() ? `${props.label} copied to the clipboard` : ""}
      </span>
    </>
  );
}

/** A read-only value with a copy button that confirms the copy. */
export function CopyField(props: { label: string; value: string; secret?: boolean; testId?: string }) {
  const id = createUniqueId();
  return (
    <div class="copy-field">
      <label for={id}>{props.label}</label>
      <div class="copy-row">
        <input
          id={id}
          class="mono"
          classList={{ "secret-value": props.secret }}
          readOnly
          value={props.value}
          data-testid={props.testId}
          onFocus={(event) => event.currentTarget.select()}
          spellcheck={false}
          autocomplete="off"
        />
        <CopyButton label={props.label.charAt(0).toLowerCase() + props.label.slice(1)} value={props.value} />
      </div>
    </div>
  );
}

export function Switch(props: {
  checked: boolean;
  label: string;
  disabled?: boolean;
  busy?: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <button
      type="button"
      role="switch"
      class="switch"
      aria-checked={props.checked}
      aria-label={props.label}
      disabled={props.disabled || props.busy}
      aria-busy={props.busy}
      onClick={() => props.onChange(!props.checked)}
    >
      <span class="switch-thumb" />
    </button>
  );
}

/** A labelled input with its hint, or the server's message about it in place of the hint. */
export function Field(props: {
  label: string;
  type?: string;
  autocomplete: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  optional?: boolean;
}) {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.autocomplete}
        type={props.type ?? "text"}
        autocomplete={props.autocomplete}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={Boolean(props.error)}
        aria-describedby={props.error || props.hint ? `${id}-hint` : undefined}
        required={!props.optional}
      />
      <Show when={props.error || props.hint}>
        <span id={`${id}-hint`} class="hint" classList={{ "hint-error": Boolean(props.error) }}>
          {props.error ?? props.hint}
        </span>
      </Show>
    </div>
  );
}

/** A labelled multi-line input, one entry a line, with its hint or the message about it. */
export function TextAreaField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint: string;
}) {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        class="mono"
        rows={3}
        value={props.value}
        spellcheck={false}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={Boolean(props.error)}
        aria-describedby={`${id}-hint`}
      />
      <span id={`${id}-hint`} class="hint" classList={{ "hint-error": Boolean(props.error) }}>
        {props.error ?? props.hint}
      </span>
    </div>
  );
}

export function FormError(props: { message: string | null | undefined }) {
  return (
    <Show when={props.message}>
      <p class="form-error" role="alert">
        {props.message}
      </p>
    </Show>
  );
}
