import { schema } from "@relaypost/db";
import type { TestDatabase } from "@relaypost/db/testing";
import { eq } from "drizzle-orm";
import { systemActor } from "../actor";
import { type AccessRevocation, announceRevocation, listenForRevocations } from "../identity/revocation";
import type { Scope } from "./lifecycle";

/** A new organization to act in, so each test sees only its own credentials. */
export async function newScope(database: TestDatabase): Promise<Scope> {
  const slug = `org-${Math.random().toString(36).slice(2, 10)}`;
  const [organization] = await database.db.insert(schema.organizations).values({ name: slug, slug }).returning();
  if (!organization) throw new Error("insert returned no row");
  return { organizationId: organization.id, actor: systemActor("test") };
}

/** The credential's row as stored, hashes included. */
export async function storedRow(database: TestDatabase, id: string) {
  const [row] = await database.db.select().from(schema.smtpCredentials).where(eq(schema.smtpCredentials.id, id));
  if (!row) throw new Error(`no credential ${id}`);
  return row;
}

/**
 * Hears the revocations announced on the database, as every process does. `take()` answers all of those announced
 * since the last call, and no others: it announces a marker of its own and waits for it, and notifications arrive
 * in the order their transactions committed.
 */
export async function watchRevocations(database: TestDatabase) {
  const received: AccessRevocation[] = [];
  const markers = new Map<string, () => void>();
  const stop = await listenForRevocations(database, (revocation) => {
    const marker = revocation.kind === "session" ? markers.get(revocation.sessionId) : undefined;
    if (marker) marker();
    else received.push(revocation);
  });
  let taken = 0;
  return {
    async take(): Promise<AccessRevocation[]> {
      const sessionId = `marker-${++taken}-${Math.random()}`;
      const arrived = new Promise<void>((resolve) => markers.set(sessionId, resolve));
      await announceRevocation(database.db, { kind: "session", sessionId });
      await arrived;
      markers.delete(sessionId);
      return received.splice(0);
    },
    stop,
  };
}
