import { REGISTRATION_REFUSALS, type Registration, type RegistrationMode } from "@relaypost/contract";
import { type Executor, queryRows, schema, type Transaction } from "@relaypost/db";
import { sql } from "drizzle-orm";
import { DomainError } from "../errors";

/** Names the advisory lock first sign-ups queue on (pg_advisory_xact_lock(bigint) is a space of its own). */
const FIRST_USER_LOCK = 0x5e61ab0;

/** The server's REGISTRATION mode refuses this sign-up; the message says what, if anything, would be accepted. */
export class RegistrationClosedError extends DomainError {
  constructor(readonly mode: Exclude<RegistrationMode, "open">) {
    super("FORBIDDEN", REGISTRATION_REFUSALS[mode]);
    this.name = "RegistrationClosedError";
  }
}

async function hasAnyUser(executor: Executor): Promise<boolean> {
  const rows = await queryRows<{ found: boolean }>(
    executor,
    sql`select exists (select 1 from ${schema.users}) as found`,
  );
  return rows[0]?.found === true;
}

export async function describeRegistration(executor: Executor, mode: RegistrationMode): Promise<Registration> {
  return { mode, firstUser: !(await hasAnyUser(executor)) };
}

/**
 * Lets a sign-up the mode refuses through only as the instance's first account. Call first in the transaction that
 * creates the account: concurrent first sign-ups queue on the lock until the holder commits or rolls back, so the
 * next one sees its account and is refused, and exactly one becomes the first owner.
 */
export async function admitOnlyFirstUser(tx: Transaction, mode: Exclude<RegistrationMode, "open">): Promise<void> {
  await queryRows(tx, sql`select pg_advisory_xact_lock(${FIRST_USER_LOCK})`);
  if (await hasAnyUser(tx)) throw new RegistrationClosedError(mode);
}
