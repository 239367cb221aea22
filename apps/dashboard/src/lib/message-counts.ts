import type { Outputs } from "./api";

export type MessageCounts = Outputs["messages"]["countsByCredential"];

const NONE = { last24h: 0, last7d: 0 };

/** A credential's counts; the server leaves out credentials that sent nothing this week. */
export function countsOf(counts: MessageCounts | undefined, credentialId: string) {
  const found = counts?.find((c) => c.credentialId === credentialId);
  return found ? { last24h: found.last24h, last7d: found.last7d } : NONE;
}

/** One more message accepted from `credentialId` just now: it counts in both windows. */
export function countAccepted(counts: MessageCounts, credentialId: string): MessageCounts {
  const current = countsOf(counts, credentialId);
  const next = { credentialId, last24h: current.last24h + 1, last7d: current.last7d + 1 };
  return [...counts.filter((c) => c.credentialId !== credentialId), next];
}
