import { type Database, schema } from "@relaypost/db";
import { and, eq, gt } from "drizzle-orm";
import { announceRevocation } from "../events/access";
import { generateSessionToken, hashToken } from "../tokens";
import type { User } from "./users";

export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

const t = schema.sessions;

export async function createSession(db: Database, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = generateSessionToken();
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await db.insert(t).values({ userId, tokenHash: hashToken(token), expiresAt });
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
      user: { id: schema.users.id, email: schema.users.email, name: schema.users.name },
    })
    .from(t)
    .innerJoin(schema.users, eq(schema.users.id, t.userId))
    .where(and(eq(t.tokenHash, hashToken(token)), gt(t.expiresAt, new Date())));
  return row;
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
