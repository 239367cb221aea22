import type { CredentialFilter, CredentialSort, SortOrder } from "@relaypost/contract";
import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, on, onCleanup, Show } from "solid-js";
import { FormError } from "../../components/form";
import { Icon } from "../../components/icon";
import { QueryView } from "../../components/query-view";
import { PageHeader } from "../../components/ui";
import { errorMessage } from "../../lib/api";
import { allCredentials, totalOf } from "../../lib/credential-cache";
import { DEFAULT_VIEW, viewFromParams } from "../../lib/credential-view";
import { useSession } from "../../lib/session";
import { type CredentialActions, createRowWork } from "./actions";
import { CredentialDialogs, type Open } from "./dialogs";
import { createFocusAfterDelete } from "./focus-after-delete";
import { ListToolbar } from "./list-toolbar";
import { LivePanel } from "./live-panel";
import { LoginBlocks } from "./login-blocks";
import { SecurityFlags } from "./security-flags";
import { CredentialTable } from "./table";
import { useCredentials } from "./use-credentials";
import { useMessageCounts } from "./use-message-counts";

/**
 * The list's state lives in the address, so a reload or Back restores it: `?q=` the search, `?filter=`, `?sort=` and
 * `?order=` (absent when the default), and `?credential=` the one whose activity the live panel shows.
 */
type Params = { q?: string; filter?: string; sort?: string; order?: string; credential?: string };

export function CredentialsPage() {
  const session = useSession();
  const [params, setSearchParams] = useSearchParams<Params>();
  // Searching and filtering replace the entry; a new order is a step Back can undo.
  const setParams = (change: Params, replace = true) => setSearchParams(change, { replace, scroll: false });
  const view = createMemo(() => viewFromParams(params), DEFAULT_VIEW, {
    equals: (a, b) => a.search === b.search && a.sort === b.sort && a.order === b.order && a.filter === b.filter,
  });
  const filter = () => params.credential ?? "";
  const setFilter = (id: string) => setParams({ credential: id || undefined });
  const { query, upsert, remove } = useCredentials(view);
  const credentials = createMemo(() => allCredentials(query.data));
  const sent = useMessageCounts();
  const work = createRowWork();
  const [open, setOpen] = createSignal<Open | null>(null);
  let page: HTMLDivElement | undefined;
  const focus = createFocusAfterDelete(
    credentials,
    () => open() === null,
    () => page?.querySelector<HTMLElement>(".page-header .button-primary"),
  );
  const activate = (id: string) =>
    void work.run(id, async () =>
      upsert(await session.api().smtpCredentials.setActive.mutate({ id, active: true }), false),
    );
  const actions: CredentialActions = {
    canWrite: session.canWrite,
    busy: work.busy,
    setActive: (c, active) => (active ? activate(c.id) : setOpen({ kind: "deactivate", credential: c })),
    regenerate: (credential) => setOpen({ kind: "regenerate", credential }),
    remove: (credential) => {
      focus.plan(credential.id);
      setOpen({ kind: "delete", credential });
    },
    filter,
    toggleFilter: (id) => setFilter(filter() === id ? "" : id),
    sent,
  };

  createEffect(on(session.organizationId, () => setFilter(""), { defer: true }));
  createEffect(() => {
    const stop = session.live().listen((event) => {
      if (event.type === "credential.deleted" && event.credentialId === filter()) setFilter("");
    });
    onCleanup(stop);
  });

  const loadMore = async () => {
    const result = await query.fetchNextPage();
    if (result.isError) work.setError(errorMessage(result.error));
  };
  const create = () => setOpen({ kind: "create" });
  const onSort = (sort: CredentialSort, order: SortOrder) =>
    setParams(
      {
        sort: sort === DEFAULT_VIEW.sort ? undefined : sort,
        order: order === DEFAULT_VIEW.order ? undefined : order,
      },
      false,
    );
  const onFilterList = (f: CredentialFilter | undefined) => setParams({ filter: f });
  const narrowed = () => view().search !== "" || view().filter !== undefined;

  return (
    <div class="page" ref={page}>
      <PageHeader
        title="SMTP Credentials"
        lead="Username and password pairs your applications use to send email over SMTP. Use API keys for the API."
        action={{ icon: "plus", label: "Create credential", onClick: create }}
      />
      <SecurityFlags credentials={credentials()} actions={actions} />
      <LoginBlocks />
      <div class="layout-split">
        <section class="panel panel-flush" aria-label="Credentials">
          <ListToolbar
            view={view()}
            onSearch={(q) => setParams({ q: q.trim() ? q : undefined })}
            onFilter={onFilterList}
            onSort={onSort}
          />
          <FormError message={work.error()} />
          <QueryView
            query={query}
            loadingLabel="Loading credentials…"
            isEmpty={(data) => allCredentials(data).length === 0}
            empty={narrowed() ? noMatch() : noCredentials(session.canWrite(), create)}
          >
            {() => (
              <CredentialTable
                credentials={credentials()}
                total={totalOf(query.data)}
                actions={actions}
                view={view()}
                onSort={onSort}
                hasMore={query.hasNextPage}
                loadingMore={query.isFetchingNextPage}
                onLoadMore={() => void loadMore()}
              />
            )}
          </QueryView>
        </section>
        <LivePanel credentials={credentials()} filter={filter()} onFilter={setFilter} />
      </div>
      <CredentialDialogs
        open={open()}
        setOpen={setOpen}
        upsert={upsert}
        onDeleted={(id) => {
          focus.deleted(id);
          remove(id);
        }}
      />
    </div>
  );
}

const noMatch = () => ({
  icon: "search" as const,
  title: "No matching credentials",
  children: <p class="muted">No credential matches this search and filter. Try another, or show all credentials.</p>,
});

const noCredentials = (canWrite: boolean, create: () => void) => ({
  icon: "key" as const,
  title: "No SMTP credentials yet",
  children: (
    <>
      <p class="muted">Create one credential per application so each can be rotated on its own.</p>
      <Show when={canWrite}>
        <button type="button" class="button button-primary" onClick={create}>
          <Icon name="plus" /> Create credential
        </button>
      </Show>
    </>
  ),
});
