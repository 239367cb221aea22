import { type Database, type Executor, schema } from "@relaypost/db";
import { and, desc, eq, gt, lt, lte, ne, sql } from "drizzle-orm";
import { notFound } from "../errors";
import { generateSessionToken, hashToken } from "../tokens";
import { announceRevocation } from "./revocation";
import type { User } from "./users";

export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** A session's last-seen time is written at most this often, so reading a session stays a read. */
export const LAST_SEEN_GRANULARITY_MS = 60 * 1000;
export const USER_AGENT_MAX_LENGTH = 256;

const t = schema.sessions;

/** Where a session was started from, shown to its user so they can tell their sessions apart. */
export interface SessionClient {
  userAgent: string | null;
  remoteAddress: string | null;
}

const UNKNOWN_CLIENT: SessionClient = { userAgent: null, remoteAddress: null };

export async function createSession(
  db: Database,
  userId: string,
  client: SessionClient = UNKNOWN_CLIENT,
): Promise<{ token: string; expiresAt: Date }> {
  const token = generateSessionToken();
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await db.insert(t).values({
    userId,
    tokenHash: hashToken(token),
    expiresAt,
    userAgent: client.userAgent?.slice(0, USER_AGENT_MAX_LENGTH) ?? null,
    remoteAddress: client.remoteAddress,
  });
  return { token, expiresAt };
}

export interface ResolvedSession {
  sessionId: string;
  user: User;
}

export async function resolveSession(db: Database, token: string): Promise<ResolvedSession | undefined> {
  const [row] = await db
    .select({
      sessionId: t.id,
      lastSeenAt: t.lastSeenAt,
      user: { id: schema.users.id, email: schema.users.email, name: schema.users.name },
    })
    .from(t)
    .innerJoin(schema.users, eq(schema.users.id, t.userId))
    .where(and(eq(t.tokenHash, hashToken(token)), gt(t.expiresAt, new Date())));
  if (!row) return undefined;
  if (Date.now() - row.lastSeenAt.getTime() >= LAST_SEEN_GRANULARITY_MS) await touchSession(db, row.sessionId);
  return { sessionId: row.sessionId, user: row.user };
}

/** Concurrent requests of one session may all find it stale; the condition lets only the first one write. */
async function touchSession(db: Database, sessionId: string): Promise<void> {
  await db
    .update(t)
    .set({ lastSeenAt: sql`now()` })
    .where(
      and(eq(t.id, sessionId), lt(t.lastSeenAt, sql`now() - ${`${LAST_SEEN_GRANULARITY_MS} milliseconds`}::interval`)),
    );
}

/** Ends a session everywhere: the stored row is what every process checks. Returns the ended session's id. */
export async function revokeSession(db: Database, token: string): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(t)
      .where(eq(t.tokenHash, hashToken(token)))
      .returning({ id: t.id });
    if (row) await announceRevocation(tx, { kind: "session", sessionId: row.id });
    return row?.id;
  });
}

export interface SessionSummary {
  id: string;
  /** The session the list was asked for from. */
  current: boolean;
  userAgent: string | null;
  remoteAddress: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** A user's live sessions, most recently seen first. */
export async function listUserSessions(
  db: Database,
  userId: string,
  currentSessionId: string,
): Promise<SessionSummary[]> {
  const rows = await db
    .select({
      id: t.id,
      userAgent: t.userAgent,
      remoteAddress: t.remoteAddress,
      createdAt: t.createdAt,
      lastSeenAt: t.lastSeenAt,
      expiresAt: t.expiresAt,
    })
    .from(t)
    .where(and(eq(t.userId, userId), gt(t.expiresAt, new Date())))
    .orderBy(desc(t.lastSeenAt), desc(t.createdAt));
  return rows.map((row) => ({ ...row, current: row.id === currentSessionId }));
}

/**
 * Deletes a user's sessions, all or all but `keepSessionId`, and announces each so their live connections close
 * on every process. Returns how many ended.
 */
export async function endUserSessions(executor: Executor, userId: string, keepSessionId?: string): Promise<number> {
  const ended = await executor
    .delete(t)
    .where(and(eq(t.userId, userId), keepSessionId ? ne(t.id, keepSessionId) : undefined))
    .returning({ id: t.id });
  await announceEnded(executor, ended);
  return ended.length;
}

async function announceEnded(executor: Executor, sessions: { id: string }[]): Promise<void> {
  for (const { id } of sessions) await announceRevocation(executor, { kind: "session", sessionId: id });
}

export const revokeOtherSessions = (db: Database, userId: string, keepSessionId: string) =>
  db.transaction((tx) => endUserSessions(tx, userId, keepSessionId));

export const revokeAllSessions = (db: Database, userId: string) => db.transaction((tx) => endUserSessions(tx, userId));

/** Ends one of the user's own sessions; another user's session id is answered like an unknown one. */
export async function revokeSessionById(db: Database, userId: string, sessionId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(t)
      .where(and(eq(t.id, sessionId), eq(t.userId, userId)))
      .returning({ id: t.id });
    if (!row) throw notFound("Session");
    await announceRevocation(tx, { kind: "session", sessionId: row.id });
  });
}

/**
 * Deletes expired sessions; they no longer resolve, but a WebSocket opened before expiry would live on, so each is
 * announced like a sign-out. Returns how many went. Safe to run on several processes at once.
 */
export async function pruneExpiredSessions(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await tx.delete(t).where(lte(t.expiresAt, new Date())).returning({ id: t.id });
    await announceEnded(tx, expired);
    return expired.length;
  });
}
