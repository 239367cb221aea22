import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, Match, on, onCleanup, Show, Switch } from "solid-js";
import { FormError } from "../../components/form";
import { Icon } from "../../components/icon";
import { QueryView } from "../../components/query-view";
import { PageHeader } from "../../components/ui";
import { type Credential, errorMessage } from "../../lib/api";
import { allCredentials } from "../../lib/credential-cache";
import { useSession } from "../../lib/session";
import { type CredentialActions, createRowWork } from "./actions";
import { DeleteDialog, RegenerateDialog } from "./confirm-dialogs";
import { CreateCredentialDialog } from "./create-dialog";
import { LivePanel } from "./live-panel";
import { LoginBlocks } from "./login-blocks";
import { PasswordReveal, type Reveal } from "./password-reveal";
import { SearchBox } from "./search-box";
import { SecurityFlags } from "./security-flags";
import { CredentialTable } from "./table";
import { useCredentials } from "./use-credentials";
import { useMessageCounts } from "./use-message-counts";

type Open =
  | { kind: "create" }
  | { kind: "regenerate"; credential: Credential }
  | { kind: "delete"; credential: Credential }
  | { kind: "reveal"; reveal: Reveal };

/** `?q=` is the search, `?credential=` the credential whose activity the live panel shows. */
type Params = { q?: string; credential?: string };

export function CredentialsPage() {
  const session = useSession();
  const [params, setSearchParams] = useSearchParams<Params>();
  // The page stays where it is: these only record its state in the address.
  const setParams = (change: Params) => setSearchParams(change, { replace: true, scroll: false });
  const search = () => params.q ?? "";
  const filter = () => params.credential ?? "";
  const setFilter = (id: string) => setParams({ credential: id || undefined });
  const { query, upsert, remove } = useCredentials(search);
  const credentials = createMemo(() => allCredentials(query.data));
  const sent = useMessageCounts();
  const work = createRowWork();
  const [open, setOpen] = createSignal<Open | null>(null);
  const actions: CredentialActions = {
    canWrite: session.canWrite,
    busy: work.busy,
    setActive: (c, active) =>
      void work.run(c.id, async () =>
        upsert(await session.api().smtpCredentials.setActive.mutate({ id: c.id, active }), false),
      ),
    regenerate: (credential) => setOpen({ kind: "regenerate", credential }),
    remove: (credential) => setOpen({ kind: "delete", credential }),
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

  return (
    <div class="page">
      <PageHeader
        title="SMTP Credentials"
        lead="Username and password pairs your applications use to send email over SMTP. Use API keys for the API."
        action={{ icon: "plus", label: "Create credential", onClick: create }}
      />
      <SecurityFlags credentials={credentials()} actions={actions} />
      <LoginBlocks />
      <div class="layout-split">
        <section class="panel panel-flush" aria-label="Credentials">
          <div class="toolbar">
            <SearchBox value={search()} onSearch={(q) => setParams({ q: q.trim() ? q : undefined })} />
          </div>
          <FormError message={work.error()} />
          <QueryView
            query={query}
            loadingLabel="Loading credentials…"
            isEmpty={(data) => allCredentials(data).length === 0}
            empty={search().trim() ? noMatch(search()) : noCredentials(session.canWrite(), create)}
          >
            {() => (
              <CredentialTable
                credentials={credentials()}
                actions={actions}
                search={search()}
                hasMore={query.hasNextPage}
                loadingMore={query.isFetchingNextPage}
                onLoadMore={() => void loadMore()}
              />
            )}
          </QueryView>
        </section>
        <LivePanel credentials={credentials()} filter={filter()} onFilter={setFilter} />
      </div>
      <CredentialDialogs open={open()} setOpen={setOpen} upsert={upsert} remove={remove} />
    </div>
  );
}

const noMatch = (search: string) => ({
  icon: "search" as const,
  title: "No matching credentials",
  children: <p class="muted">Nothing matches “{search}”. Try part of a username or description.</p>,
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

function CredentialDialogs(props: {
  open: Open | null;
  setOpen: (open: Open | null) => void;
  upsert: (credential: Credential, prepend: boolean) => void;
  remove: (id: string) => void;
}) {
  const close = () => props.setOpen(null);
  const of = <K extends Open["kind"]>(kind: K) =>
    props.open?.kind === kind ? (props.open as Extract<Open, { kind: K }>) : undefined;
  return (
    <Switch>
      <Match when={of("create")}>
        <CreateCredentialDialog
          onClose={close}
          onCreated={(result) => {
            props.upsert(result.credential, true);
            props.setOpen({ kind: "reveal", reveal: { ...result, regenerated: false } });
          }}
        />
      </Match>
      <Match when={of("reveal")}>{(open) => <PasswordReveal reveal={open().reveal} onClose={close} />}</Match>
      <Match when={of("regenerate")}>
        {(open) => (
          <RegenerateDialog
            credential={open().credential}
            onClose={close}
            onDone={(result) => {
              props.upsert(result.credential, false);
              props.setOpen({ kind: "reveal", reveal: { ...result, regenerated: true } });
            }}
          />
        )}
      </Match>
      <Match when={of("delete")}>
        {(open) => (
          <DeleteDialog
            credential={open().credential}
            onClose={close}
            onDone={() => {
              props.remove(open().credential.id);
              close();
            }}
          />
        )}
      </Match>
    </Switch>
  );
}
