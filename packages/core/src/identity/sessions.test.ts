import { schema } from "@relaypost/db";
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LAST_SEEN_GRANULARITY_MS, USER_AGENT_MAX_LENGTH } from "./sessions";
import { useCore } from "./test-support";

describe("sessions", () => {
  const t = useCore();
  let counter = 0;

  const newUser = () =>
    t.core.users.create({ email: `session-${counter++}@example.com`, password: "session-password" });
  const sessionIdOf = async (token: string) => (await t.core.sessions.resolve(token))?.sessionId ?? "";
  const stillResolves = async (tokens: string[]) =>
    Promise.all(tokens.map(async (token) => (await t.core.sessions.resolve(token)) !== undefined));

  it("lists only the user's own sessions, with where they started, and marks the current one", async () => {
    const user = await newUser();
    const other = await newUser();
    const laptop = await t.core.sessions.create(user.id, { userAgent: "Firefox on Linux", remoteAddress: "192.0.2.1" });
    const phone = await t.core.sessions.create(user.id, { userAgent: "Safari on iOS", remoteAddress: "192.0.2.2" });
    await t.core.sessions.create(other.id, { userAgent: "Someone else", remoteAddress: "192.0.2.3" });

    const sessions = await t.core.sessions.listForUser(user.id, await sessionIdOf(phone.token));
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.current)).toMatchObject({ userAgent: "Safari on iOS", remoteAddress: "192.0.2.2" });
    expect(sessions.find((s) => !s.current)).toMatchObject({
      id: await sessionIdOf(laptop.token),
      userAgent: "Firefox on Linux",
      remoteAddress: "192.0.2.1",
    });
    expect(JSON.stringify(sessions)).not.toContain(laptop.token);
  });

  it("keeps a truncated user agent", async () => {
    const user = await newUser();
    const { token } = await t.core.sessions.create(user.id, { userAgent: "x".repeat(5_000), remoteAddress: null });
    const [session] = await t.core.sessions.listForUser(user.id, await sessionIdOf(token));
    expect(session?.userAgent).toHaveLength(USER_AGENT_MAX_LENGTH);
  });

  it("writes last seen at most once a minute, not on every request", async () => {
    const user = await newUser();
    const { token } = await t.core.sessions.create(user.id);
    const id = await sessionIdOf(token);
    const lastSeen = async () =>
      (await t.database.db.select().from(schema.sessions).where(eq(schema.sessions.id, id)))[0]?.lastSeenAt;
    const backdate = (interval: string) =>
      t.database.db
        .update(schema.sessions)
        .set({ lastSeenAt: sql`now() - ${interval}::interval` })
        .where(eq(schema.sessions.id, id));

    await backdate("30 seconds");
    const recent = await lastSeen();
    await t.core.sessions.resolve(token);
    expect(await lastSeen()).toEqual(recent);

    await backdate("2 minutes");
    const stale = await lastSeen();
    await t.core.sessions.resolve(token);
    expect((await lastSeen())?.getTime()).toBeGreaterThan(stale?.getTime() ?? Number.POSITIVE_INFINITY);
  });

  describe("judged by this process's clock", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A session last seen at a whole-millisecond instant five minutes ago, as the database stores it. */
    async function sessionSeenFiveMinutesAgo() {
      const { token } = await t.core.sessions.create((await newUser()).id);
      const id = await sessionIdOf(token);
      const seenAt = new Date(Date.now() - 5 * 60_000);
      await t.database.db.update(schema.sessions).set({ lastSeenAt: seenAt }).where(eq(schema.sessions.id, id));
      const lastSeen = async () =>
        (await t.database.db.select().from(schema.sessions).where(eq(schema.sessions.id, id)))[0]?.lastSeenAt;
      return { token, seenAt, lastSeen };
    }

    it("does not write last seen a millisecond before the granularity has passed", async () => {
      const { token, seenAt, lastSeen } = await sessionSeenFiveMinutesAgo();
      vi.useFakeTimers({ toFake: ["Date"], now: seenAt.getTime() + LAST_SEEN_GRANULARITY_MS - 1 });
      await t.core.sessions.resolve(token);
      vi.useRealTimers();
      expect(await lastSeen()).toEqual(seenAt);
    });

    it("writes last seen once exactly the granularity has passed", async () => {
      const { token, seenAt, lastSeen } = await sessionSeenFiveMinutesAgo();
      vi.useFakeTimers({ toFake: ["Date"], now: seenAt.getTime() + LAST_SEEN_GRANULARITY_MS });
      await t.core.sessions.resolve(token);
      vi.useRealTimers();
      expect((await lastSeen())?.getTime()).toBeGreaterThan(seenAt.getTime());
    });
  });

  it("ends one of the user's own sessions by id, and answers another user's session id as not found", async () => {
    const user = await newUser();
    const other = await newUser();
    const mine = await t.core.sessions.create(user.id);
    const theirs = await t.core.sessions.create(other.id);

    await expect(t.core.sessions.revokeById(user.id, await sessionIdOf(theirs.token))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Session not found",
    });
    expect(await stillResolves([theirs.token])).toEqual([true]);

    await t.core.sessions.revokeById(user.id, await sessionIdOf(mine.token));
    expect(await stillResolves([mine.token])).toEqual([false]);
  });

  it("ends every other session of the user and keeps the one named, leaving other users alone", async () => {
    const user = await newUser();
    const other = await newUser();
    const [current, second, third] = await Promise.all([1, 2, 3].map(() => t.core.sessions.create(user.id)));
    const theirs = await t.core.sessions.create(other.id);

    const ended = await t.core.sessions.revokeOthers(user.id, await sessionIdOf(current?.token ?? ""));
    expect(ended).toBe(2);
    expect(await stillResolves([current, second, third, theirs].map((s) => s?.token ?? ""))).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });

  it("signs out everywhere: every session of the user ends, the current one too", async () => {
    const user = await newUser();
    const other = await newUser();
    const sessions = await Promise.all([1, 2].map(() => t.core.sessions.create(user.id)));
    const theirs = await t.core.sessions.create(other.id);

    expect(await t.core.sessions.revokeAll(user.id)).toBe(2);
    expect(await stillResolves([...sessions, theirs].map((s) => s.token))).toEqual([false, false, true]);
  });

  it("prunes expired sessions and only those", async () => {
    const user = await newUser();
    const live = await t.core.sessions.create(user.id);
    const expired = await t.core.sessions.create(user.id);
    const expiredId = (
      await t.database.db
        .update(schema.sessions)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(
          sql`${schema.sessions.id} <> ${await sessionIdOf(live.token)} and ${schema.sessions.userId} = ${user.id}`,
        )
        .returning({ id: schema.sessions.id })
    )[0]?.id;
    expect(expiredId).toBeDefined();

    expect(await t.core.sessions.pruneExpired()).toBe(1);
    const left = await t.database.db.select().from(schema.sessions).where(eq(schema.sessions.userId, user.id));
    expect(left.map((s) => s.id)).toEqual([await sessionIdOf(live.token)]);
    expect(await stillResolves([live.token, expired.token])).toEqual([true, false]);
  });
});
