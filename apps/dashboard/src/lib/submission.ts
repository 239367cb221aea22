import { createSignal } from "solid-js";
import { errorMessage, fieldErrors } from "./api";

/**
 * The state of one form or button that calls the API: busy while its work runs (so it is not sent twice), a
 * refusal's messages for `fields` shown beside those inputs, and any other failure as one message for the form.
 */
export function createSubmission(fields: readonly string[] = []) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [fieldMessages, setFieldMessages] = createSignal<Record<string, string | undefined>>({});
  return {
    busy,
    error,
    /** The server's message for one input of the form, until that input changes. */
    fieldError: (name: string) => fieldMessages()[name],
    clearFieldError: (name: string) => setFieldMessages((messages) => ({ ...messages, [name]: undefined })),
    async run(work: () => Promise<void>): Promise<void> {
      setBusy(true);
      setError(null);
      setFieldMessages({});
      try {
        await work();
      } catch (e) {
        const messages = fieldErrors(e);
        const shown = Object.fromEntries(fields.map((name) => [name, messages[name]]));
        setFieldMessages(shown);
        if (Object.values(shown).every((message) => !message)) setError(errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
  };
}
