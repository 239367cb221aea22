import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, on } from "solid-js";
import { FormError } from "../../components/form";
import { ListFooter } from "../../components/list-footer";
import { QueryView } from "../../components/query-view";
import { PageHeader } from "../../components/ui";
import { errorMessage } from "../../lib/api";
import { useSession } from "../../lib/session";
import { ExportButton } from "./export-button";
import { AuditFilterBar } from "./filter-bar";
import { type AuditParams, filterFromParams, footerText, isFiltered } from "./filters";
import { AuditTable } from "./table";
import { PAGE_SIZE, useAuditActors, useAuditLog } from "./use-audit-log";

export function AuditLogPage() {
  const session = useSession();
  const [searchParams, setSearchParams] = useSearchParams<AuditParams>();
  const params = createMemo(
    (): AuditParams => ({
      actor: searchParams.actor,
      action: searchParams.action,
      target: searchParams.target,
      from: searchParams.from,
      to: searchParams.to,
    }),
  );
  const parsed = createMemo(() => filterFromParams(params()));
  const filter = () => parsed().filter;
  const setParams = (next: AuditParams) =>
    setSearchParams(
      { actor: next.actor, action: next.action, target: next.target, from: next.from, to: next.to },
      { scroll: false },
    );
  // Actors are the organization's own: another organization's would match nothing there.
  createEffect(on(session.organizationId, () => setParams({}), { defer: true }));

  const log = useAuditLog(filter);
  const actors = useAuditActors();
  const entries = () => log.data?.pages.flatMap((page) => page.items) ?? [];
  const total = () => log.data?.pages.at(-1)?.total ?? 0;
  const [error, setError] = createSignal<string | null>(null);
  const loadMore = async () => {
    setError(null);
    const result = await log.fetchNextPage();
    if (result.isError) setError(errorMessage(result.error));
  };

  return (
    <div class="page">
      <PageHeader title="Audit log" lead="Every change in this organization: who made it, from where and when." />
      <section class="panel panel-flush" aria-label="Audit log">
        <AuditFilterBar
          params={params()}
          actors={actors.data ?? []}
          rangeError={parsed().rangeError}
          onChange={setParams}
        >
          <ExportButton filter={filter()} />
        </AuditFilterBar>
        <FormError message={error()} />
        <QueryView
          query={log}
          loadingLabel="Loading the audit log…"
          isEmpty={(data) => data.pages.every((page) => page.items.length === 0)}
          empty={
            isFiltered(filter())
              ? { icon: "search", title: "No entries match these filters" }
              : { icon: "list", title: "Nothing recorded yet" }
          }
        >
          {() => (
            <>
              <AuditTable entries={entries()} />
              <ListFooter
                pageSize={PAGE_SIZE}
                hasMore={log.hasNextPage}
                loadingMore={log.isFetchingNextPage}
                onLoadMore={() => void loadMore()}
              >
                <span data-testid="audit-footer">{footerText(entries().length, total(), isFiltered(filter()))}</span>
              </ListFooter>
            </>
          )}
        </QueryView>
      </section>
    </div>
  );
}
