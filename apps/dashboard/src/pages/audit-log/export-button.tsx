import type { AuditFilter } from "@relaypost/contract";
import { createSignal, Show } from "solid-js";
import { FormError } from "../../components/form";
import { errorMessage } from "../../lib/api";
import { downloadCsv } from "../../lib/csv";
import { useSession } from "../../lib/session";
import { auditCsv, exportFilename, readAllEntries } from "./export";

/** Downloads every entry matching the filter as CSV, not only the pages on screen, saying how far it has read. */
export function ExportButton(props: { filter: AuditFilter }) {
  const session = useSession();
  const [progress, setProgress] = createSignal<{ read: number; total: number } | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const exportCsv = async () => {
    setError(null);
    setProgress({ read: 0, total: 0 });
    try {
      const entries = await readAllEntries(session.api(), props.filter, (read, total) => setProgress({ read, total }));
      downloadCsv(exportFilename(new Date()), auditCsv(entries));
    } catch (cause) {
      setError(`Export failed: ${errorMessage(cause)}`);
    } finally {
      setProgress(null);
    }
  };

  return (
    <div class="audit-export">
      <button type="button" class="button" disabled={progress() !== null} onClick={() => void exportCsv()}>
        Export CSV
      </button>
      <span class="muted" role="status" data-testid="audit-export-status">
        <Show when={progress()}>{(p) => `Exporting ${p().read} of ${p().total || "…"} entries`}</Show>
      </span>
      <FormError message={error()} />
    </div>
  );
}
