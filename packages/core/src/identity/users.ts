import { type Database, type Executor, schema } from "@relaypost/db";
import { eq, sql } from "drizzle-orm";
import { violatedUniqueConstraint } from "../db-errors";
import { DomainError } from "../errors";
import type { PasswordHasher } from "../hashing";

export const USER_PASSWORD_MIN_LENGTH = 10;

export interface User {
  id: string;
  email: string;
  name: string;
}

/** The address already has an account. Sign-up keeps this to itself (docs/security.md); other callers report it. */
export class EmailTakenError extends DomainError {
  constructor() {
    super("CONFLICT", "An account with this email already exists", "email");
  }
}

const t = schema.users;
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function createUser(
  executor: Executor,
  hasher: PasswordHasher,
  input: { email: string; password: string; name?: string | undefined },
): Promise<User> {
  if (input.password.length < USER_PASSWORD_MIN_LENGTH) {
    throw new DomainError(
      "BAD_REQUEST",
      `Password must be at least ${USER_PASSWORD_MIN_LENGTH} characters`,
      "password",
    );
  }
  const passwordHash = await hasher.hash(input.password);
  try {
    const [row] = await executor
      .insert(t)
      .values({ email: normalizeEmail(input.email), name: input.name?.trim() ?? "", passwordHash })
      .returning({ id: t.id, email: t.email, name: t.name });
    if (!row) throw new Error("insert returned no row");
    return row;
  } catch (error) {
    if (violatedUniqueConstraint(error) === "users_email_lower_key") {
      throw new EmailTakenError();
    }
    throw error;
  }
}

export async function findUserByEmail(db: Database, email: string): Promise<User | undefined> {
  const [row] = await db
    .select({ id: t.id, email: t.email, name: t.name })
    .from(t)
    .where(eq(sql`lower(${t.email})`, normalizeEmail(email)));
  return row;
}

/** The user whose email and password match; unknown emails spend a dummy verification so timing reveals nothing. */
export async function authenticateUser(
  db: Database,
  hasher: PasswordHasher,
  email: string,
  password: string,
): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(t)
    .where(eq(sql`lower(${t.email})`, normalizeEmail(email)));
  if (!row) {
    await hasher.dummyVerify(password);
    return undefined;
  }
  if (!(await hasher.verify(row.passwordHash, password))) return undefined;
  return { id: row.id, email: row.email, name: row.name };
}
