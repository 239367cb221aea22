import { Show } from "solid-js";
import { RelativeTime } from "../../../components/ui";
import { formatDateTime } from "../../../lib/time";
import type { CredentialDetail } from "./use-credential";

/** The last successful login: how and from where, e.g. "AUTH PLAIN from 203.0.113.7". */
export function LastLogin(props: { credential: CredentialDetail }) {
  return (
    <p data-testid="last-login">
      <Show
        when={props.credential.lastLogin}
        fallback={
          <Show when={props.credential.lastUsedAt} fallback="No successful login yet.">
            {(at) => (
              <>
                Last login <RelativeTime date={at()} /> ({formatDateTime(at())}); its address was not recorded.
              </>
            )}
          </Show>
        }
      >
        {(login) => (
          <>
            Last login <RelativeTime date={login().at} /> ({formatDateTime(login().at)}):{" "}
            <strong class="mono">
              AUTH {login().method} from {login().remoteAddress}
            </strong>
          </>
        )}
      </Show>
    </p>
  );
}
