import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import { useQuery } from "@tanstack/solid-query";
import { Show } from "solid-js";
import { Icon } from "../../components/icon";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";

/** Says plainly when this deployment keeps accepted mail without delivering it. */
export function NotRelayedBanner() {
  const session = useSession();
  const endpoint = useQuery(() => ({
    queryKey: queryKeys.connectionSettings(session.organizationId() ?? ""),
    queryFn: () => session.api().smtpCredentials.connectionSettings.query(),
    staleTime: Number.POSITIVE_INFINITY,
  }));
  return (
    <Show when={endpoint.data?.relaying === false}>
      <div class="notice notice-warn" role="note" data-testid="not-relayed">
        <Icon name="alert" />
        <p>
          <strong>Mail is {NOT_RELAYED_NOTICE}.</strong> Messages your applications send are kept here to inspect and
          are not delivered to anyone. The operator sets an upstream with <span class="mono">RELAY_URL</span>, or an
          owner sets this organization's own under <a href="/settings/upstream">Upstream</a>.
        </p>
      </div>
    </Show>
  );
}
