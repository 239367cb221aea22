import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createEffect, createMemo, createSignal, For, onCleanup, Show } from "solid-js";
import { FormError } from "../../components/form";
import { RelativeTime, WarningPanel } from "../../components/ui";
import { errorMessage, type Outputs } from "../../lib/api";
import { useNow } from "../../lib/clock";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";

type LoginBlock = Outputs["smtpLoginBlocks"]["list"][number];

/**
 * Addresses refused for this organization's credentials after repeated failed logins. An application behind the
 * same address as a guesser is refused too until the block ends, so admins can end it here once that is dealt with.
 */
export function LoginBlocks() {
  const session = useSession();
  const client = useQueryClient();
  const now = useNow();
  const key = () => queryKeys.loginBlocks(session.organizationId() ?? "");
  const blocks = useQuery(() => ({ queryKey: key(), queryFn: () => session.api().smtpLoginBlocks.list.query() }));
  const refetch = () => void client.invalidateQueries({ queryKey: key() });
  createEffect(() => {
    const stop = session.live().listen((event) => {
      if (event.type === "auth.rejected" && event.data.reason === "throttled") refetch();
    });
    onCleanup(stop);
  });
  const active = createMemo(() => (blocks.data ?? []).filter((block) => block.until.getTime() > now()));
  const [error, setError] = createSignal<string>();
  const [lifting, setLifting] = createSignal<string>();
  const lift = async (address: string) => {
    setLifting(address);
    setError(undefined);
    try {
      await session.api().smtpLoginBlocks.lift.mutate({ address });
      refetch();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setLifting(undefined);
    }
  };
  return (
    <Show when={active().length > 0}>
      <WarningPanel id="login-blocks-title" title="Blocked addresses">
        <p class="muted">
          Too many failed logins came from these addresses. Until a block ends, new logins from there to this
          organization's credentials are refused, your own applications' too. Other organizations are not affected.
        </p>
        <FormError message={error()} />
        <ul class="flags" data-testid="login-blocks">
          <For each={active()}>
            {(block) => (
              <BlockItem block={block} canLift={session.canWrite()} busy={lifting() === block.address} onLift={lift} />
            )}
          </For>
        </ul>
      </WarningPanel>
    </Show>
  );
}

function BlockItem(props: { block: LoginBlock; canLift: boolean; busy: boolean; onLift: (address: string) => void }) {
  return (
    <li class="flag">
      <span class="mono">{props.block.address}</span>
      <span class="flag-text">
        {props.block.attempts} failed logins · ends <RelativeTime date={props.block.until} />
      </span>
      <Show when={props.canLift}>
        <button
          type="button"
          class="button button-small"
          disabled={props.busy}
          onClick={() => props.onLift(props.block.address)}
        >
          Lift block
        </button>
      </Show>
    </li>
  );
}
