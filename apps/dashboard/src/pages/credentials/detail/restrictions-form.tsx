import { SENDING_LIMITS } from "@relaypost/contract";
import { createSignal, Show } from "solid-js";
import { createStore, unwrap } from "solid-js/store";
import { FormError, TextAreaField } from "../../../components/form";
import type { Credential } from "../../../lib/api";
import { checkDraft, type DraftField, draftOf } from "../../../lib/restrictions-draft";
import { useSession } from "../../../lib/session";
import { createSubmission } from "../../../lib/submission";
import { ExpiryField } from "./expiry-field";
import { LimitsFieldset } from "./limits-fieldset";
import type { CredentialDetail } from "./use-credential";

/** The fields the server may name in a refusal; a limit's refusal names `limits`, shown above the limits. */
const SERVER_FIELDS = [
  "allowedSenders",
  "allowedIps",
  "expiresAt",
  "limits",
  ...SENDING_LIMITS.map((limit) => `limits.${limit}`),
];
const isLimit = (field: string) => (SENDING_LIMITS as readonly string[]).includes(field);

/** The restrictions, editable: checked here where the browser can, by the server for the rest. */
export function RestrictionsForm(props: { credential: CredentialDetail; onSaved: (credential: Credential) => void }) {
  const session = useSession();
  const [draft, setDraft] = createStore(draftOf(props.credential));
  const [problems, setProblems] = createSignal<Partial<Record<DraftField, string>>>({});
  const [saved, setSaved] = createSignal(false);
  const submission = createSubmission(SERVER_FIELDS);
  // The server names a limit's field by its path in the input.
  const serverField = (field: DraftField) => (isLimit(field) ? `limits.${field}` : field);
  const error = (field: DraftField) => problems()[field] ?? submission.fieldError(serverField(field));
  const edited = (field: DraftField | "expiresAt") => {
    setSaved(false);
    setProblems((current) => ({ ...current, [field]: undefined }));
    submission.clearFieldError(field === "expiresAt" ? field : serverField(field));
    if (isLimit(field)) submission.clearFieldError("limits");
  };

  function submit(event: SubmitEvent) {
    event.preventDefault();
    const checked = checkDraft(unwrap(draft), props.credential);
    if ("problems" in checked) return setProblems(checked.problems);
    void submission.run(async () => {
      const credential = await session
        .api()
        .smtpCredentials.update.mutate({ id: props.credential.id, ...checked.restrictions });
      setDraft(draftOf(credential));
      setSaved(true);
      props.onSaved(credential);
    });
  }

  return (
    <form class="form restrictions-form" onSubmit={submit} novalidate>
      <TextAreaField
        label="Allowed senders"
        value={draft.allowedSenders}
        onInput={(value) => {
          setDraft("allowedSenders", value);
          edited("allowedSenders");
        }}
        error={error("allowedSenders")}
        hint="One per line: a domain, *.domain for it and its subdomains, or an address. Empty allows any sender."
      />
      <TextAreaField
        label="Allowed IPs"
        value={draft.allowedIps}
        onInput={(value) => {
          setDraft("allowedIps", value);
          edited("allowedIps");
        }}
        error={error("allowedIps")}
        hint="One per line: an address or CIDR range, IPv4 or IPv6. Empty allows logins from anywhere."
      />
      <ExpiryField
        value={draft.expiresAt}
        onInput={(value) => {
          setDraft("expiresAt", value);
          edited("expiresAt");
        }}
        error={submission.fieldError("expiresAt")}
      />
      <LimitsFieldset
        credential={props.credential}
        values={draft.limits}
        onInput={(limit, value) => {
          setDraft("limits", limit, value);
          edited(limit);
        }}
        error={error}
        groupError={SENDING_LIMITS.some((limit) => error(limit)) ? undefined : submission.fieldError("limits")}
      />
      <FormError message={submission.error()} />
      <Show when={saved()}>
        <p role="status" class="form-success">
          Restrictions saved.
        </p>
      </Show>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={submission.busy()}>
          {submission.busy() ? "Saving…" : "Save restrictions"}
        </button>
      </div>
    </form>
  );
}
