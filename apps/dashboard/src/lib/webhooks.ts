import { EVENT_TYPES, type EventType } from "@relaypost/contract";

/** An endpoint's state in words: on, turned off by someone, or turned off by RelayPost after failing on and on. */
export type EndpointState =
  | { kind: "active"; label: "Active" }
  | { kind: "off"; label: "Off" }
  | { kind: "failed"; label: string };

export function endpointState(endpoint: { enabled: boolean; disabledReason: string | null }): EndpointState {
  const reason = endpoint.disabledReason;
  if (endpoint.enabled) return { kind: "active", label: "Active" };
  return reason ? { kind: "failed", label: `Turned off after failures: ${reason}` } : { kind: "off", label: "Off" };
}

/** The event types an endpoint receives in words; none chosen means every type. */
export const describeEventTypes = (types: readonly EventType[]): string =>
  types.length === 0 ? "All events" : types.join(", ");

export interface EventTypeGroup {
  name: string;
  types: EventType[];
}

/** The event types grouped by what they are about (`message.*`, `credential.*`…), in the contract's order. */
export function eventTypeGroups(types: readonly EventType[] = EVENT_TYPES): EventTypeGroup[] {
  const groups: EventTypeGroup[] = [];
  for (const type of types) {
    const name = type.slice(0, type.indexOf("."));
    const group = groups.find((g) => g.name === name);
    if (group) group.types.push(type);
    else groups.push({ name, types: [type] });
  }
  return groups;
}

/**
 * A delivery's last answer on one line: the HTTP status and the start of the body, or why the endpoint could not be
 * reached, or that no attempt was made yet.
 */
export function describeAnswer(delivery: { lastStatus: number | null; lastResponse: string | null }): string {
  const body = delivery.lastResponse?.replace(/\s+/g, " ").trim() ?? "";
  if (delivery.lastStatus === null) return body || "No attempt yet";
  return body ? `HTTP ${delivery.lastStatus}: ${body}` : `HTTP ${delivery.lastStatus}`;
}
