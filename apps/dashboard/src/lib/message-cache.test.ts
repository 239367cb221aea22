import type { MessageEventType } from "@relaypost/contract";
import { describe, expect, test } from "vitest";
import type { LiveEvent } from "./live";
import {
  acceptedBetween,
  allMessages,
  applyMessageEvent,
  createOutcomeMemory,
  dayOf,
  isFiltered,
  isMessageEvent,
  type Message,
  type MessageEvent,
  type MessageList,
  needsRefetch,
  type OutcomeEvent,
  withKnownOutcomes,
  withOutcome,
} from "./message-cache";

const at = new Date("2026-11-01T12:00:00Z");
const later = new Date("2026-11-01T12:00:05Z");

const message = (id: string, credentialId: string | null, status: Message["status"] = "queued"): Message => ({
  id,
  credentialId,
  mailFrom: "app@example.com",
  rcptTo: [`${id}@example.org`],
  size: 120,
  subject: `Subject ${id}`,
  status,
  attempts: 0,
  lastReply: null,
  bodyPrunedAt: null,
  recipients: [{ address: `${id}@example.org`, state: "pending", reply: null }],
  createdAt: at,
  relayedAt: null,
});

/** Two pages, as after "Load more": an event must reach a message on either. */
const list = (...pages: Message[][]): MessageList => ({
  pages: pages.map((items, i) => ({ items, nextCursor: i < pages.length - 1 ? `c${i}` : null })),
  pageParams: pages.map((_, i) => (i === 0 ? null : `c${i - 1}`)),
});

const envelope = { id: 1, organizationId: "org", username: "app", remoteAddress: null, createdAt: later };
const accepted = (messageId: string, credentialId: string, status: "queued" | "stored" = "queued"): MessageEvent => ({
  ...envelope,
  credentialId,
  type: "message.accepted",
  data: { messageId, size: 120, recipients: 1, status },
});
const relayed = (messageId: string, credentialId: string): OutcomeEvent => ({
  ...envelope,
  credentialId,
  type: "message.relayed",
  data: { messageId, attempts: 1, reply: "250 2.0.0 Ok", accepted: 1, refused: 0 },
});
const deferred = (messageId: string, credentialId: string): OutcomeEvent => ({
  ...envelope,
  credentialId,
  type: "message.deferred",
  data: { messageId, attempts: 2, reply: "451 4.3.0 Try later", retryAt: "2026-11-01T12:01:00Z" },
});
const failed = (messageId: string, credentialId: string): OutcomeEvent => ({
  ...envelope,
  credentialId,
  type: "message.failed",
  data: { messageId, attempts: 3, reply: "550 5.1.1 No such user", expired: false },
});

const a = message("a", "alpha");
const b = message("b", "beta");

describe("delivery events merged into the cached message pages", () => {
  test("a relayed message shows its new status, attempts, upstream reply and delivery time, on whichever page", () => {
    const merged = applyMessageEvent(list([a], [b]), relayed("b", "beta"));
    expect(allMessages(merged)[1]).toMatchObject({
      status: "relayed",
      attempts: 1,
      lastReply: "250 2.0.0 Ok",
      relayedAt: later,
    });
    expect(allMessages(merged)[0]).toEqual(a);
  });

  test("deferred and failed messages carry the upstream's reply and no delivery time", () => {
    const later = applyMessageEvent(list([a]), deferred("a", "alpha"));
    expect(allMessages(later)[0]).toMatchObject({ status: "deferred", attempts: 2, lastReply: "451 4.3.0 Try later" });
    const refused = applyMessageEvent(later, failed("a", "alpha"));
    expect(allMessages(refused)[0]).toMatchObject({ status: "failed", lastReply: "550 5.1.1 No such user" });
    expect(allMessages(refused)[0]?.relayedAt).toBeNull();
  });

  test("events about messages not shown, and acceptances (which carry no envelope), leave the list as it is", () => {
    const original = list([a]);
    expect(applyMessageEvent(original, relayed("zzz", "alpha"))).toBe(original);
    expect(applyMessageEvent(original, accepted("c", "alpha"))).toBe(original);
  });

  test("the cached list is never changed in place", () => {
    const original = list([a]);
    applyMessageEvent(original, relayed("a", "alpha"));
    expect(original.pages[0]?.items[0]?.status).toBe("queued");
  });

  test("only message events are taken for messages", () => {
    const login: LiveEvent = {
      ...envelope,
      credentialId: "alpha",
      type: "auth.succeeded",
      data: { method: "PLAIN", tls: true },
    };
    expect(isMessageEvent(login)).toBe(false);
    const types: MessageEventType[] = ["message.accepted", "message.relayed", "message.deferred", "message.failed"];
    const events = [accepted("a", "x"), relayed("a", "x"), deferred("a", "x"), failed("a", "x")];
    expect(events.filter(isMessageEvent).map((e) => e.type)).toEqual(types);
  });
});

describe("which lists are read again after an event", () => {
  test("a new message is read into the lists it belongs to, by credential and status", () => {
    const shown = list([a]);
    expect(needsRefetch({}, shown, accepted("c", "alpha"))).toBe(true);
    expect(needsRefetch({ credentialId: "alpha" }, shown, accepted("c", "alpha"))).toBe(true);
    expect(needsRefetch({ credentialId: "beta" }, shown, accepted("c", "alpha"))).toBe(false);
    expect(needsRefetch({ status: "queued" }, shown, accepted("c", "alpha"))).toBe(true);
    expect(needsRefetch({ status: "stored" }, shown, accepted("c", "alpha"))).toBe(false);
    expect(needsRefetch({ status: "stored" }, shown, accepted("c", "alpha", "stored"))).toBe(true);
    expect(needsRefetch({}, shown, accepted("a", "alpha"))).toBe(false);
  });

  test("an outcome is read again where the message is shown (its recipients' results) or now belongs", () => {
    const shown = list([a]);
    expect(needsRefetch({}, shown, relayed("a", "alpha"))).toBe(true);
    expect(needsRefetch({}, shown, relayed("older", "alpha"))).toBe(false);
    expect(needsRefetch({ status: "failed" }, shown, failed("older", "alpha"))).toBe(true);
    expect(needsRefetch({ status: "failed" }, shown, deferred("older", "alpha"))).toBe(false);
    expect(needsRefetch({ credentialId: "beta" }, shown, relayed("a", "alpha"))).toBe(false);
  });

  test("a new message is read into a list of the days it was accepted on, and any recipient filter's list", () => {
    const shown = list([a, b]);
    const day = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    const acceptedDay = day(later);
    const dayBefore = day(new Date(later.getTime() - 86_400_000));
    const dayAfter = day(new Date(later.getTime() + 86_400_000));
    expect(needsRefetch({ fromDay: acceptedDay, toDay: acceptedDay }, shown, accepted("c", "alpha"))).toBe(true);
    expect(needsRefetch({ toDay: dayBefore }, shown, accepted("c", "alpha"))).toBe(false);
    expect(needsRefetch({ fromDay: dayAfter }, shown, accepted("c", "alpha"))).toBe(false);
    // The event names no recipients: the list is read again to find out.
    expect(needsRefetch({ recipient: "x@example.org" }, shown, accepted("c", "alpha"))).toBe(true);
  });
});

describe("the days and recipient of the Messages page's filters", () => {
  test("days from the address are kept only when they are real calendar days", () => {
    expect(dayOf("2026-12-02")).toBe("2026-12-02");
    expect(dayOf("2026-13-40")).toBeUndefined();
    expect(dayOf("2026-02-30")).toBeUndefined();
    expect(dayOf("2026-12-02T10:00")).toBeUndefined();
    expect(dayOf("yesterday")).toBeUndefined();
    expect(dayOf("")).toBeUndefined();
    expect(dayOf(undefined)).toBeUndefined();
  });

  test("a day range asks for everything from the first day's local midnight to before the midnight after the last", () => {
    const { since, until } = acceptedBetween({ fromDay: "2026-03-28", toDay: "2026-03-29" });
    expect(since).toEqual(new Date(2026, 2, 28));
    expect(until).toEqual(new Date(2026, 2, 30));
    expect(acceptedBetween({})).toEqual({});
    expect(acceptedBetween({ toDay: "2026-12-31" })).toEqual({ until: new Date(2027, 0, 1) });
  });

  test("any one filter makes the list filtered", () => {
    expect(isFiltered({})).toBe(false);
    for (const f of [
      { credentialId: "c" },
      { status: "failed" as const },
      { recipient: "r@x.org" },
      { fromDay: "2026-01-01" },
      { toDay: "2026-01-01" },
    ]) {
      expect(isFiltered(f)).toBe(true);
    }
  });
});

describe("outcomes heard while a page was being read", () => {
  test("a page read before a delivery shows the outcome whose event already arrived", () => {
    const memory = createOutcomeMemory(10);
    memory.remember(relayed("b", "beta"));
    const page = withKnownOutcomes({ items: [a, b], nextCursor: null }, memory.known);
    expect(page.items.map((m) => m.status)).toEqual(["queued", "relayed"]);
  });

  test("an outcome never replaces a row that is newer than it (more attempts)", () => {
    const retried = { ...b, status: "relayed" as const, attempts: 3, lastReply: "250 Ok" };
    expect(withOutcome(retried, deferred("b", "beta"))).toBe(retried);
    const memory = createOutcomeMemory(10);
    memory.remember(deferred("b", "beta"));
    expect(withKnownOutcomes({ items: [retried], nextCursor: null }, memory.known).items).toEqual([retried]);
  });

  test("the memory keeps each message's latest outcome and forgets the oldest messages beyond its limit", () => {
    const memory = createOutcomeMemory(2);
    memory.remember(deferred("a", "alpha"));
    memory.remember(relayed("b", "beta"));
    memory.remember(failed("a", "alpha"));
    memory.remember(relayed("c", "gamma"));
    expect([...memory.known.keys()]).toEqual(["a", "c"]);
    expect(memory.known.get("a")?.type).toBe("message.failed");
  });
});
