import { useParams } from "@solidjs/router";
import { createSignal, Match, Show, Switch } from "solid-js";
import { Icon } from "../../../components/icon";
import { QueryView } from "../../../components/query-view";
import type { Credential } from "../../../lib/api";
import { useNow } from "../../../lib/clock";
import { HOME } from "../../../lib/next-path";
import { useSession } from "../../../lib/session";
import { RegenerateDialog } from "../confirm-dialogs";
import { PasswordReveal, type Reveal } from "../password-reveal";
import { ConnectionSettings } from "./connection";
import { CredentialMessages } from "./credential-messages";
import { Description } from "./description";
import { ExpiryBadge } from "./expiry";
import { LastLogin } from "./last-login";
import { LoginActivity } from "./login-activity";
import { PasswordPanel } from "./password-panel";
import { RestrictionsForm } from "./restrictions-form";
import { RestrictionsView } from "./restrictions-view";
import { useCredential } from "./use-credential";

type Open = { kind: "regenerate" } | { kind: "reveal"; reveal: Reveal };

/**
 * One credential: its description, logins, password, restrictions with current usage, connection settings and
 * latest messages. Viewers read; admins and owners edit.
 */
export function CredentialDetailPage() {
  const params = useParams<{ id: string }>();
  const session = useSession();
  const { query, saved } = useCredential(() => params.id);
  const [open, setOpen] = createSignal<Open | null>(null);
  return (
    <div class="page credential-detail">
      <a href={HOME} class="back-link">
        <Icon name="arrow-left" /> SMTP Credentials
      </a>
      <QueryView query={query} loadingLabel="Loading credential…">
        {(credential) => (
          <>
            <Header credential={credential()} onSaved={saved} />
            <section class="panel" aria-labelledby="logins-title">
              <h2 id="logins-title" class="panel-title">
                Logins
              </h2>
              <LastLogin credential={credential()} />
              <LoginActivity credentialId={credential().id} />
            </section>
            <PasswordPanel
              credential={credential()}
              onRegenerate={() => setOpen({ kind: "regenerate" })}
              onSaved={saved}
            />
            <section class="panel" aria-labelledby="restrictions-title">
              <h2 id="restrictions-title" class="panel-title">
                Restrictions
              </h2>
              <Show when={session.canWrite()} fallback={<RestrictionsView credential={credential()} />}>
                <RestrictionsForm credential={credential()} onSaved={saved} />
              </Show>
            </section>
            <ConnectionSettings username={credential().username} />
            <CredentialMessages credentialId={credential().id} username={credential().username} />
            <Switch>
              <Match when={open()?.kind === "regenerate"}>
                <RegenerateDialog
                  credential={credential()}
                  onClose={() => setOpen(null)}
                  onDone={(result) => {
                    saved(result.credential);
                    setOpen({ kind: "reveal", reveal: { ...result, regenerated: true } });
                  }}
                />
              </Match>
              <Match when={revealOf(open())}>
                {(reveal) => <PasswordReveal reveal={reveal()} onClose={() => setOpen(null)} />}
              </Match>
            </Switch>
          </>
        )}
      </QueryView>
    </div>
  );
}

const revealOf = (open: Open | null): Reveal | undefined => (open?.kind === "reveal" ? open.reveal : undefined);

function Header(props: { credential: Credential; onSaved: (credential: Credential) => void }) {
  const now = useNow();
  const c = () => props.credential;
  return (
    <header class="page-header">
      <div>
        <p class="eyebrow">SMTP credential</p>
        <h1 class="mono">{c().username}</h1>
        <Description credential={c()} onSaved={props.onSaved} />
        <p class="detail-badges">
          <span class="badge" classList={{ "badge-ok": c().active, "badge-off": !c().active }}>
            {c().active ? "Active" : "Inactive"}
          </span>
          <ExpiryBadge expiresAt={c().expiresAt} now={now()} />
        </p>
      </div>
    </header>
  );
}
