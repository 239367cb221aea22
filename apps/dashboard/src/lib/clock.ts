import { type Accessor, createContext, createSignal, onCleanup, useContext } from "solid-js";

/** A clock that ticks every `intervalMs`; it stops with the reactive owner that created it. */
export function createClock(intervalMs = 10_000): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}

/** One shared clock for every relative time on screen, so "2 minutes ago" stays true without re-rendering rows. */
export const ClockContext = createContext<Accessor<number>>(() => Date.now());

export const useNow = (): Accessor<number> => useContext(ClockContext);
