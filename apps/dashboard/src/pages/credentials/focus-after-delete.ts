import { type Accessor, createEffect, createSignal } from "solid-js";
import type { Credential } from "../../lib/api";

interface Plan {
  deleted: string;
  /** The row focus moves to: the next one, else the previous one. */
  neighbor: string | undefined;
}

/**
 * Where focus goes once a deleted credential's row is gone, instead of being lost to <body>: the next row's first
 * action, else the previous row's, else `fallback` (the create button). The neighbor is chosen when the delete is
 * asked for, while the row is still listed (a live event may remove it before the answer comes). Nothing outside a
 * modal dialog can take focus, so it waits until `dialogClosed`.
 */
export function createFocusAfterDelete(
  credentials: Accessor<Credential[]>,
  dialogClosed: Accessor<boolean>,
  fallback: () => HTMLElement | null | undefined,
) {
  let planned: Plan | undefined;
  const [pending, setPending] = createSignal<Plan | null>(null);
  createEffect(() => {
    const plan = pending();
    if (!plan || !dialogClosed() || credentials().some((c) => c.id === plan.deleted)) return;
    setPending(null);
    const row = plan.neighbor ? document.querySelector(`[data-credential-id="${plan.neighbor}"]`) : null;
    (row?.querySelector<HTMLElement>(".row-actions button") ?? fallback())?.focus();
  });
  return {
    plan(id: string) {
      const list = credentials();
      const at = list.findIndex((c) => c.id === id);
      planned = { deleted: id, neighbor: (list[at + 1] ?? list[at - 1])?.id };
    },
    deleted(id: string) {
      if (planned?.deleted === id) setPending(planned);
      planned = undefined;
    },
  };
}
