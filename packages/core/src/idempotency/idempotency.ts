import { createHash } from "node:crypto";
import { type Database, type Executor, queryRows, schema, type Transaction } from "@relaypost/db";
import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Actor } from "../actor";
import { DomainError } from "../errors";
import { type Keyring, SecretUnavailableError } from "../secret-box";
import { canonicalJson, decodeAnswer, encodeAnswer } from "./answer-codec";

/**
 * How long a create's answer is kept for its retries. Retries after a lost answer come within seconds or minutes;
 * the answer holds a one-time secret, so it is not kept for longer than a retry plausibly needs (docs/api.md).
 */
export const IDEMPOTENCY_WINDOW_MS = 60 * 60 * 1000;

/** Names the class of advisory locks taken per key (pg_advisory_xact_lock(int, int) is a space of its own). */
const KEY_LOCK_CLASS = 0x1de4;

/** A create as the caller sent it, named by its Idempotency-Key. */
export interface IdempotentCall {
  organizationId: string;
  actor: Actor;
  key: string;
  /** The create, e.g. "smtpCredentials.create": a key used for another create is another request. */
  operation: string;
  /** The validated input; its canonical JSON is compared, not the bytes sent. */
  input: unknown;
}

/** Runs a create's database work in one transaction and answers what it returned. */
export type Transact<T> = (work: (tx: Transaction) => Promise<T>) => Promise<T>;

interface KeyedRequest {
  organizationId: string;
  scope: string;
  key: string;
  operation: string;
  fingerprint: string;
}

const t = schema.idempotencyKeys;

const keyedRequest = (call: IdempotentCall): KeyedRequest => ({
  organizationId: call.organizationId,
  scope: `${call.actor.type}:${call.actor.id ?? ""}`,
  key: call.key,
  operation: call.operation,
  fingerprint: createHash("sha256")
    .update(`${call.operation}\n${canonicalJson(call.input)}`)
    .digest("hex"),
});

/** What the sealed answer is bound to: copied to another key's row, it does not open. */
const sealContext = (request: KeyedRequest) =>
  `idempotency\n${request.organizationId}\n${request.scope}\n${request.key}`;

const byKey = (request: KeyedRequest) =>
  and(eq(t.organizationId, request.organizationId), eq(t.scope, request.scope), eq(t.key, request.key));

/** The answer stored for this key within the window; refuses a key that was used for another request. */
async function storedAnswer(
  executor: Executor,
  keyring: Keyring,
  request: KeyedRequest,
  now: Date,
): Promise<{ answer: unknown } | undefined> {
  const [row] = await executor
    .select()
    .from(t)
    .where(and(byKey(request), gte(t.createdAt, new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS))));
  if (!row) return undefined;
  if (row.operation !== request.operation || row.fingerprint !== request.fingerprint) {
    throw new DomainError(
      "UNPROCESSABLE_CONTENT",
      "This Idempotency-Key was already used with another request; send a new key for a new request",
    );
  }
  const sealed = {
    ciphertext: row.responseCiphertext,
    iv: row.responseIv,
    tag: row.responseTag,
    keyId: row.responseKeyId,
  };
  try {
    return { answer: decodeAnswer(keyring.open(sealed, sealContext(request))) };
  } catch (error) {
    if (!(error instanceof SecretUnavailableError)) throw error;
    throw new DomainError(
      "CONFLICT",
      "A request with this Idempotency-Key already succeeded, but its answer can no longer be shown " +
        "(the server key changed); check what it created before sending a new key",
    );
  }
}

async function storeAnswer(tx: Transaction, keyring: Keyring, request: KeyedRequest, answer: unknown, now: Date) {
  const sealed = keyring.seal(encodeAnswer(answer), sealContext(request));
  const values = {
    operation: request.operation,
    fingerprint: request.fingerprint,
    responseCiphertext: sealed.ciphertext,
    responseIv: sealed.iv,
    responseTag: sealed.tag,
    responseKeyId: sealed.keyId,
    createdAt: now,
  };
  // A row still there for this key is past the window (a live one was answered from): the key starts afresh.
  await tx
    .insert(t)
    .values({ organizationId: request.organizationId, scope: request.scope, key: request.key, ...values })
    .onConflictDoUpdate({ target: [t.organizationId, t.scope, t.key], set: values });
}

/**
 * Runs `create` at most once per key: a retry with the same key and input gets the first answer, with its one-time
 * secret, and nothing is created or audited again. `create` gets the transaction runner its database work must use:
 * it takes a per-key lock first, so a concurrent request with the same key waits for the first to commit and then
 * answers from it; the answer is stored in the create's own transaction, so a create that fails stores nothing.
 */
export async function idempotent<T>(
  db: Database,
  keyring: Keyring,
  call: IdempotentCall,
  create: (transact: Transact<T>) => Promise<T>,
  now: () => Date,
): Promise<T> {
  const request = keyedRequest(call);
  // Answered before `create` runs, so a plain retry does no work (no password hashing) at all.
  const stored = await storedAnswer(db, keyring, request, now());
  // The answer was sealed by this function from a T: it is a T.
  if (stored) return stored.answer as T;
  return create((work) =>
    db.transaction(async (tx) => {
      await queryRows(tx, sql`select pg_advisory_xact_lock(${KEY_LOCK_CLASS}, hashtext(${sealContext(request)}))`);
      const raced = await storedAnswer(tx, keyring, request, now());
      if (raced) return raced.answer as T;
      const answer = await work(tx);
      await storeAnswer(tx, keyring, request, answer, now());
      return answer;
    }),
  );
}

/** Forgets answers past the window (maintenance): their secrets are not kept any longer than that. */
export async function pruneIdempotencyKeys(db: Database, now: Date): Promise<void> {
  await db.delete(t).where(lt(t.createdAt, new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)));
}

/** A create as the transports call it: idempotent when the caller named it with a key, as before when not. */
export function createIdempotency(db: Database, keyring: Keyring, now: () => Date) {
  return <T>(
    idempotencyKey: string | undefined,
    call: Omit<IdempotentCall, "key">,
    create: (transact?: Transact<T>) => Promise<T>,
  ): Promise<T> =>
    idempotencyKey === undefined ? create() : idempotent(db, keyring, { ...call, key: idempotencyKey }, create, now);
}
