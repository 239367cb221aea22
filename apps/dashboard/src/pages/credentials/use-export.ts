import { CREDENTIAL_PAGE_MAX } from "@relaypost/contract";
import { type Accessor, createSignal } from "solid-js";
import { type Credential, errorMessage } from "../../lib/api";
import type { CredentialPage } from "../../lib/credential-cache";
import type { CredentialView } from "../../lib/credential-view";
import { type CsvColumn, downloadCsv, toCsv } from "../../lib/csv";
import { useSession } from "../../lib/session";

/** What a credential export holds: what the list shows and its restrictions; there is no secret to leave out. */
const COLUMNS: CsvColumn<Credential>[] = [
  { header: "Username", value: (c) => c.username },
  { header: "Description", value: (c) => c.description },
  { header: "Status", value: (c) => (c.active ? "active" : "inactive") },
  { header: "Last used", value: (c) => c.lastUsedAt },
  { header: "Created", value: (c) => c.createdAt },
  { header: "Password changed", value: (c) => c.passwordChangedAt },
  { header: "Expires", value: (c) => c.expiresAt },
  { header: "Allowed senders", value: (c) => c.allowedSenders.join(" ") },
  { header: "Allowed IPs", value: (c) => c.allowedIps.join(" ") },
  { header: "ID", value: (c) => c.id },
];

const fileName = (view: CredentialView) =>
  `relaypost-credentials${view.filter ? `-${view.filter}` : ""}-${new Date().toISOString().slice(0, 10)}.csv`;

/**
 * Exports every credential in `view` (all pages, not only those loaded) as CSV, reporting how many are read so far.
 */
export function useCredentialExport(view: Accessor<CredentialView>) {
  const session = useSession();
  const [progress, setProgress] = createSignal<{ read: number; total: number } | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  async function run() {
    const exported = view();
    const { search, sort, order, filter } = exported;
    const items: Credential[] = [];
    let cursor: string | null = null;
    setError(null);
    setProgress({ read: 0, total: 0 });
    try {
      do {
        const page: CredentialPage = await session.api().smtpCredentials.list.query({
          search: search || undefined,
          sort,
          order,
          filter,
          cursor: cursor ?? undefined,
          limit: CREDENTIAL_PAGE_MAX,
        });
        items.push(...page.items);
        cursor = page.nextCursor;
        setProgress({ read: items.length, total: page.total });
      } while (cursor);
      downloadCsv(fileName(exported), toCsv(items, COLUMNS));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setProgress(null);
    }
  }
  return { run, progress, error };
}
