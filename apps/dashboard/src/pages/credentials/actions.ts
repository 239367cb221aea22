import { createSignal } from "solid-js";
import { type Credential, errorMessage } from "../../lib/api";

/** What a row, and the security recommendations, may do to a credential; the page decides how. */
export interface CredentialActions {
  canWrite: () => boolean;
  busy: (id: string) => boolean;
  setActive: (credential: Credential, active: boolean) => void;
  regenerate: (credential: Credential) => void;
  remove: (credential: Credential) => void;
  /** The credential whose activity the live panel shows, "" for all. */
  filter: () => string;
  toggleFilter: (id: string) => void;
  /** Messages it sent in the last 24 hours and 7 days, once known. */
  sent: (id: string) => { last24h: number; last7d: number } | undefined;
}

/** Row actions run one at a time per credential; a failure is shown once above the list. */
export function createRowWork() {
  const [busyIds, setBusyIds] = createSignal<ReadonlySet<string>>(new Set());
  const [error, setError] = createSignal<string | null>(null);
  return {
    error,
    setError,
    busy: (id: string) => busyIds().has(id),
    async run(id: string, work: () => Promise<void>) {
      setBusyIds((ids) => new Set([...ids, id]));
      setError(null);
      try {
        await work();
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setBusyIds((ids) => new Set([...ids].filter((x) => x !== id)));
      }
    },
  };
}
