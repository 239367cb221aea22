import { MAX_BATCH_CALLS } from "@relaypost/contract";
import WebSocket from "ws";

type Send = WebSocket["send"];
type Data = Parameters<Send>[0];
type SendOptions = Parameters<Send>[1];
type SendCallback = NonNullable<Parameters<Send>[2]>;

/** The calls of a JSON array message larger than the server accepts, in groups it does accept; else undefined. */
function splitOversizedBatch(data: unknown): unknown[][] | undefined {
  if (typeof data !== "string" || !data.startsWith("[")) return undefined;
  const calls = JSON.parse(data) as unknown[];
  if (calls.length <= MAX_BATCH_CALLS) return undefined;
  const groups: unknown[][] = [];
  for (let i = 0; i < calls.length; i += MAX_BATCH_CALLS) groups.push(calls.slice(i, i + MAX_BATCH_CALLS));
  return groups;
}

/**
 * tRPC's WebSocket client sends the requests queued in one tick, and every subscription it resumes after a reconnect,
 * as one JSON array, with no size option; the server refuses an array of more than MAX_BATCH_CALLS whole. This socket
 * sends such an array as several the server accepts, so a client may hold any number of subscriptions.
 */
export class BatchLimitedWebSocket extends WebSocket {
  override send(data: Data, optionsOrCallback?: SendOptions | SendCallback, callback?: SendCallback): void {
    const groups = splitOversizedBatch(data);
    if (groups) for (const group of groups) super.send(JSON.stringify(group));
    else if (typeof optionsOrCallback === "function") super.send(data, optionsOrCallback);
    else super.send(data, optionsOrCallback ?? {}, callback);
  }
}
