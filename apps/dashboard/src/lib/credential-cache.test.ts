import type { EventDataByType, EventPayload } from "@relaypost/contract";
import { describe, expect, test } from "vitest";
import type { Credential } from "./api";
import {
  allCredentials,
  applyLiveEvent,
  type CredentialList,
  keepLastUsed,
  knownLastUsed,
  needsRead,
  removeCredential,
  upsertCredential,
} from "./credential-cache";
import { DEFAULT_VIEW } from "./credential-view";
import type { LiveEvent } from "./live";

const searching = (search: string) => ({ ...DEFAULT_VIEW, search });

const at = new Date("2026-11-01T12:00:00Z");

const credential = (id: string, username: string, description = ""): Credential => ({
  id,
  username,
  description,
  active: true,
  lastUsedAt: null,
  passwordChangedAt: at,
  allowedSenders: [],
  allowedIps: [],
  expiresAt: null,
  limits: {},
  previousPasswordExpiresAt: null,
  createdAt: at,
  updatedAt: at,
});

/** Two pages, as after "Load more": the events must reach a credential on either. */
const list = (...pages: Credential[][]): CredentialList => ({
  pages: pages.map((items, i) => ({
    items,
    nextCursor: i < pages.length - 1 ? `c${i}` : null,
    total: pages.flat().length,
  })),
  pageParams: pages.map((_, i) => (i === 0 ? null : `c${i - 1}`)),
});

const SAMPLE_DATA: EventDataByType = {
  "auth.succeeded": { method: "PLAIN", tls: true },
  "auth.rejected": { reason: "bad_password", method: "PLAIN", tls: true },
  "message.accepted": { messageId: "m1", size: 100, recipients: 1, status: "queued" },
  "message.relayed": { messageId: "m1", attempts: 1, reply: "250 Ok", accepted: 1, refused: 0 },
  "message.deferred": { messageId: "m1", attempts: 1, reply: "451 Later", retryAt: "2026-11-02T08:31:00Z" },
  "message.failed": { messageId: "m1", attempts: 1, reply: "550 No", expired: false },
  "message.rejected": { reason: "sender_not_allowed", where: "envelope", sender: "app@example.com" },
  "credential.created": { actor: "admin", active: true },
  "credential.updated": { actor: "admin", active: true },
  "credential.password_regenerated": { actor: "admin", active: true },
  "credential.activated": { actor: "admin", active: true },
  "credential.deactivated": { actor: "admin", active: false },
  "credential.deleted": { actor: "admin", active: true },
  "credential.expired": { actor: "system", active: true },
  "credential.previous_password_ended": { actor: "admin", active: true },
  "webhook.disabled": { endpointId: "w1", url: "https://hooks.example.com/", failures: 10, lastResponse: "HTTP 500" },
};

const event = (type: LiveEvent["type"], credentialId: string | null): LiveEvent => ({
  id: 1,
  organizationId: "org",
  // Each type is paired with its own sample, which the compiler cannot follow through the index.
  ...({ type, data: SAMPLE_DATA[type] } as EventPayload),
  credentialId,
  username: null,
  remoteAddress: null,
  createdAt: new Date("2026-11-02T08:30:00Z"),
});

const alpha = credential("a", "alpha_app", "Production Rails app");
const beta = credential("b", "beta_app");

describe("live events merged into the cached credential list", () => {
  test("an accepted login sets the last-used time of that credential only, on whichever page it is", () => {
    const merged = applyLiveEvent(list([alpha], [beta]), event("auth.succeeded", "b"));
    expect(allCredentials(merged).map((c) => c.lastUsedAt)).toEqual([null, new Date("2026-11-02T08:30:00Z")]);
  });

  test("activation and deactivation flip the status without reading the credential again", () => {
    const off = applyLiveEvent(list([alpha, beta]), event("credential.deactivated", "a"));
    expect(allCredentials(off).map((c) => c.active)).toEqual([false, true]);
    const on = applyLiveEvent(off, event("credential.activated", "a"));
    expect(allCredentials(on).map((c) => c.active)).toEqual([true, true]);
  });

  test("a deletion removes the row; events naming no credential change nothing", () => {
    const original = list([alpha], [beta]);
    expect(allCredentials(applyLiveEvent(original, event("credential.deleted", "a")))).toEqual([beta]);
    expect(applyLiveEvent(original, event("auth.rejected", null))).toBe(original);
  });

  test("the cached list is never changed in place, so a screen holding it never sees it change underneath", () => {
    const original = list([alpha]);
    applyLiveEvent(original, event("credential.deactivated", "a"));
    expect(original.pages[0]?.items[0]?.active).toBe(true);
  });

  test("a created credential goes first only into lists whose search it matches", () => {
    const created = credential("c", "rails_worker");
    expect(allCredentials(upsertCredential(list([alpha]), created, searching(""), true))).toEqual([created, alpha]);
    expect(allCredentials(upsertCredential(list([alpha]), created, searching("rails"), true))).toEqual([
      created,
      alpha,
    ]);
    expect(allCredentials(upsertCredential(list([alpha]), created, searching("beta"), true))).toEqual([alpha]);
  });

  test("a changed credential replaces its row, and is not added where it was not shown", () => {
    const renamed = { ...alpha, description: "Staging" };
    expect(allCredentials(upsertCredential(list([beta], [alpha]), renamed, searching(""), false))).toEqual([
      beta,
      renamed,
    ]);
    expect(allCredentials(upsertCredential(list([beta]), renamed, searching(""), false))).toEqual([beta]);
    expect(allCredentials(removeCredential(list([alpha, beta]), "b"))).toEqual([alpha]);
  });

  test("only changes the event cannot carry are read from the server", () => {
    const lists = [list([alpha])];
    expect(needsRead(lists, event("credential.created", "c"))).toBe(true);
    expect(needsRead(lists, event("credential.created", "a"))).toBe(false);
    expect(needsRead(lists, event("credential.updated", "a"))).toBe(true);
    expect(needsRead(lists, event("credential.password_regenerated", "c"))).toBe(false);
    expect(needsRead(lists, event("credential.deactivated", "a"))).toBe(false);
  });
});

describe("a last-used time already shown never goes backwards", () => {
  const login = new Date("2026-11-02T08:30:00Z");
  const earlier = new Date("2026-11-02T08:27:00Z");
  const seen = { ...alpha, lastUsedAt: login };

  test("a mutation's answer read before the login was written keeps the login's time, and takes the rest", () => {
    const answer = { ...alpha, active: false, lastUsedAt: null };
    expect(allCredentials(upsertCredential(list([seen]), answer, searching(""), false))).toEqual([
      { ...answer, lastUsedAt: login },
    ]);
    const older = { ...answer, lastUsedAt: earlier };
    expect(allCredentials(upsertCredential(list([seen]), older, searching(""), false))[0]?.lastUsedAt).toEqual(login);
  });

  test("a later time from the server replaces the shown one", () => {
    const later = { ...alpha, lastUsedAt: new Date("2026-11-02T08:31:00Z") };
    expect(allCredentials(upsertCredential(list([seen]), later, searching(""), false))).toEqual([later]);
  });

  test("a late login event older than the shown time changes nothing", () => {
    const newer = { ...alpha, lastUsedAt: new Date("2026-11-02T08:31:00Z") };
    const merged = applyLiveEvent(list([newer]), event("auth.succeeded", "a"));
    expect(allCredentials(merged)[0]?.lastUsedAt).toEqual(newer.lastUsedAt);
  });

  test("a refetched page keeps the latest time any cached list (any search's) shows", () => {
    const known = knownLastUsed([list([alpha, beta]), list([seen])]);
    expect(known).toEqual(new Map([["a", login]]));
    expect(keepLastUsed({ ...alpha, lastUsedAt: earlier }, known.get("a")).lastUsedAt).toEqual(login);
    expect(keepLastUsed(beta, known.get("b"))).toBe(beta);
  });
});
