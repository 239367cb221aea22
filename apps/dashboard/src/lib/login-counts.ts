import { type LoginEvent, loginCount } from "./live-event";

export const CHART_MINUTES = 30;
const MINUTE = 60_000;

export interface MinuteCount {
  minute: number;
  accepted: number;
  rejected: number;
}

/** Accepted and rejected logins per minute, per credential and for the organization ("*"), for the chart. */
export function createLoginCounts() {
  /** Per credential id (and "*"): minute start → counts. */
  const counts = new Map<string, Map<number, MinuteCount>>();

  function count(key: string, event: LoginEvent) {
    const minute = Math.floor(event.createdAt.getTime() / MINUTE) * MINUTE;
    const series = counts.get(key) ?? new Map<number, MinuteCount>();
    counts.set(key, series);
    const bucket = series.get(minute) ?? { minute, accepted: 0, rejected: 0 };
    if (event.type === "auth.succeeded") bucket.accepted++;
    else bucket.rejected += loginCount(event);
    series.set(minute, bucket);
    const oldest = minute - CHART_MINUTES * MINUTE;
    for (const key of series.keys()) if (key < oldest) series.delete(key);
  }

  return {
    add(event: LoginEvent) {
      count("*", event);
      if (event.credentialId) count(event.credentialId, event);
    },
    /** The last CHART_MINUTES minutes ending at `at`, oldest first. */
    perMinute(credentialId: string | undefined, at: number): MinuteCount[] {
      const series = counts.get(credentialId ?? "*");
      const end = Math.floor(at / MINUTE) * MINUTE;
      return Array.from({ length: CHART_MINUTES }, (_, i) => {
        const minute = end - (CHART_MINUTES - 1 - i) * MINUTE;
        const bucket = series?.get(minute);
        // Copies, so a screen holding the previous array never sees it change underneath.
        return bucket ? { ...bucket } : { minute, accepted: 0, rejected: 0 };
      });
    },
  };
}
