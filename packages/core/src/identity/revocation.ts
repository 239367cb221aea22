import type { DatabaseHandle, Executor } from "@relaypost/db";
import { sql } from "drizzle-orm";

export const ACCESS_CHANNEL = "relaypost_access";

/**
 * A party whose live connections must end now, on every process: it signed out, was removed or revoked, or (an SMTP
 * credential) had its password regenerated, was deactivated or deleted. One channel for every kind.
 */
export type AccessRevocation =
  /** With `hashFingerprint`, only the sessions logged in with that password end (a rotation's previous one). */
  | { kind: "credential"; credentialId: string; hashFingerprint?: string }
  | { kind: "session"; sessionId: string }
  | { kind: "apiKey"; apiKeyId: string }
  | { kind: "member"; organizationId: string; userId: string };

/** Announces a revocation; inside a transaction it is delivered only if the transaction commits. */
export async function announceRevocation(executor: Executor, revocation: AccessRevocation): Promise<void> {
  await executor.execute(sql`select pg_notify(${ACCESS_CHANNEL}, ${JSON.stringify(revocation)})`);
}

/** Where a transport hears of revocations: `listenForRevocations` bound to one database. */
export interface RevocationFeed {
  listen(onRevocation: (revocation: AccessRevocation) => void, onListening?: () => void): Promise<() => Promise<void>>;
}

/**
 * Delivers revocations announced on any process. A notice sent while the LISTEN connection was down is lost, so
 * `onListening` (called each time LISTEN is in force again) is the moment to check live connections against the
 * database instead.
 */
export async function listenForRevocations(
  database: Pick<DatabaseHandle, "listen">,
  onRevocation: (revocation: AccessRevocation) => void,
  onListening?: () => void,
): Promise<() => Promise<void>> {
  return database.listen(
    ACCESS_CHANNEL,
    (payload) => {
      try {
        onRevocation(JSON.parse(payload) as AccessRevocation);
      } catch {
        // A payload this version cannot read names nobody it knows.
      }
    },
    onListening,
  );
}
