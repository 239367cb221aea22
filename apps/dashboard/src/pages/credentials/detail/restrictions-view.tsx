import { SENDING_LIMITS } from "@relaypost/contract";
import { For, type JSX, Show } from "solid-js";
import { LIMIT_LABELS } from "../../../lib/restrictions";
import { ExpiryText } from "./expiry";
import { LimitUsage } from "./limit-usage";
import type { CredentialDetail } from "./use-credential";

/** The restrictions as a viewer sees them: read-only, each with what an empty one means. */
export function RestrictionsView(props: { credential: CredentialDetail }) {
  const c = () => props.credential;
  return (
    <dl class="restrictions" data-testid="restrictions">
      <Item term="Allowed senders" testId="allowed-senders">
        <Rules rules={c().allowedSenders} none="Any sender" />
      </Item>
      <Item term="Allowed IPs" testId="allowed-ips">
        <Rules rules={c().allowedIps} none="Any address" />
      </Item>
      <Item term="Expires" testId="expires">
        <ExpiryText expiresAt={c().expiresAt} />
      </Item>
      <For each={SENDING_LIMITS}>
        {(limit) => (
          <Item term={LIMIT_LABELS[limit]} testId={`limit-${limit}`}>
            <span>{c().limits[limit]?.toLocaleString("en") ?? "No limit"}</span>
            <LimitUsage limit={limit} credential={c()} />
          </Item>
        )}
      </For>
    </dl>
  );
}

function Item(props: { term: string; testId: string; children: JSX.Element }) {
  return (
    <div class="restriction">
      <dt>{props.term}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </div>
  );
}

function Rules(props: { rules: string[]; none: string }) {
  return (
    <Show when={props.rules.length > 0} fallback={<span class="muted">{props.none}</span>}>
      <ul class="rule-list">
        <For each={props.rules}>{(rule) => <li class="mono">{rule}</li>}</For>
      </ul>
    </Show>
  );
}
