import { Semaphore } from "../hashing";

export interface AddressGateOptions {
  /** Attempts from one address verified at the same time; the rest wait their turn. */
  maxConcurrent: number;
  /** Attempts from one address allowed to wait; past this they are refused at once. */
  maxWaiting: number;
}

/**
 * Caps how many attempts from one address are in flight in this process. With the throttle counting in-flight
 * attempts as failures until they succeed, this is what keeps a legitimate burst (many credentials logging in at once
 * from one relay) from ever looking like ten failures, while a parallel guesser still waits behind its own attempts.
 */
export function createAddressGate({ maxConcurrent, maxWaiting }: AddressGateOptions) {
  const gates = new Map<string, Semaphore>();

  return {
    /** Runs `task` when the address has a free place; undefined when too many attempts from it are waiting. */
    async run<T>(address: string, task: () => Promise<T>): Promise<{ value: T } | undefined> {
      const gate = gates.get(address) ?? new Semaphore(maxConcurrent);
      if (gate.queued >= maxWaiting) return undefined;
      gates.set(address, gate);
      try {
        return { value: await gate.run(task) };
      } finally {
        if (gate.idle) gates.delete(address);
      }
    },
    get addresses() {
      return gates.size;
    },
  };
}
