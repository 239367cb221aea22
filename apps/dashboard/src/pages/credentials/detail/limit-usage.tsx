import type { SendingLimit } from "@relaypost/contract";
import { Show } from "solid-js";
import { LIMIT_PERIOD, usagePercent } from "../../../lib/restrictions";
import type { CredentialDetail } from "./use-credential";

/** "3 of 10 this minute (30%)" with a meter, for a per-period limit that is set; nothing otherwise. */
export function LimitUsage(props: { limit: SendingLimit; credential: CredentialDetail }) {
  const period = () => (props.limit === "recipientsPerMessage" ? undefined : LIMIT_PERIOD[props.limit]);
  const max = () => props.credential.limits[props.limit];
  const usage = () => {
    const p = period();
    const limit = max();
    return p && limit ? { used: props.credential.usage[p], limit, period: p } : undefined;
  };
  return (
    <Show when={usage()}>
      {(u) => (
        <span class="usage" data-testid={`usage-${props.limit}`}>
          <meter min={0} max={u().limit} value={u().used} high={u().limit * 0.8} optimum={0} aria-hidden="true" />
          <span>
            {u().used.toLocaleString("en")} of {u().limit.toLocaleString("en")} this {u().period} (
            {usagePercent(u().used, u().limit)}%)
          </span>
        </span>
      )}
    </Show>
  );
}
