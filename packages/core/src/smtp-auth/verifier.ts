import { USERNAME_PATTERN } from "@relaypost/contract";
import { type Database, schema } from "@relaypost/db";
import { inArray, sql } from "drizzle-orm";
import type { PasswordHasher } from "../hashing";
import {
  type CredentialRestrictions,
  type LoginRestriction,
  loginRestriction,
  restrictionColumns,
} from "../restrictions/restrictions";
import { parseSmtpPassword } from "../smtp-credentials/password";
import {
  type CredentialRef,
  grantColumns,
  grantHolds,
  hashFingerprint,
  livePreviousHash,
  type SmtpGrant,
} from "./grant";
import { createLookupBatcher } from "./lookup-batcher";
import { createVerificationCache, type VerificationCache } from "./verification-cache";

const t = schema.smtpCredentials;

export type VerificationFailure =
  | "bad_password"
  | "malformed_password"
  | "unknown_password"
  | "inactive"
  | "username_mismatch"
  | LoginRestriction;

export type VerificationResult =
  /** `previousPassword`: verified against the password from before the last regenerate, during its overlap. */
  | { ok: true; grant: SmtpGrant; previousPassword?: true }
  /** `credential` is present only when the password's lookup id resolved, so the attempt can be attributed. */
  | { ok: false; reason: VerificationFailure; credential?: CredentialRef };

export interface LoginAttempt {
  username: string;
  password: string;
  /** SASL PLAIN authorization identity; when given it must name the same user. */
  authorizationId?: string | undefined;
  /** The client's address (after PROXY protocol); a credential with an IP allowlist refuses a login without one. */
  remoteAddress?: string | undefined;
}

/** The database could not be asked; the client should hear a temporary failure, never "invalid credentials". */
export class CredentialStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super("The credential store is unreachable", { cause });
    this.name = "CredentialStoreUnavailableError";
  }
}

export interface SmtpVerifierOptions {
  db: Database;
  hasher: PasswordHasher;
  cache?: VerificationCache;
}

const sameUser = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const identityMatches = (attempt: LoginAttempt, row: { username: string }) =>
  sameUser(attempt.username, row.username) &&
  (attempt.authorizationId === undefined ||
    attempt.authorizationId === "" ||
    sameUser(attempt.authorizationId, row.username));

/** A login after the cheap checks: answered already, or waiting for the argon2 verification. */
export type Precheck =
  | { settled: true; result: VerificationResult }
  | {
      settled: false;
      /** The lookup id inside the password; absent when the password is not in RelayPost's format. */
      lookupId: string | undefined;
      /** The credential the password names, when its lookup id resolved: refusals before verifying name it. */
      credential: CredentialRef | undefined;
      verify: () => Promise<VerificationResult>;
    };

/**
 * Steps 2 and 4 of the SMTP login path (docs/architecture.md): one indexed read by the lookup id inside the password
 * (logins arriving together share it), then argon2id unless the cache vouches for this password against the very
 * hash just read. Every failure that reaches the database costs one argon2 verification (a dummy one for unknown
 * lookup ids), so the reply time says nothing about which check failed.
 */
export function createSmtpVerifier({ db, hasher, cache = createVerificationCache() }: SmtpVerifierOptions) {
  // Prepared once: the login path is the hottest query of the product and its text never changes.
  const lookup = db
    .select({
      id: t.id,
      lookupId: t.lookupId,
      organizationId: t.organizationId,
      username: t.username,
      ...grantColumns,
      // Restrictions come with the row the login reads anyway: enforcing them costs no round trip.
      allowedIps: t.allowedIps,
      expiresAt: t.expiresAt,
    })
    .from(t)
    .where(sql`${t.lookupId} = any(${sql.placeholder("lookupIds")}::text[])`)
    .prepare("smtp_credential_lookup");
  const readBatch = createLookupBatcher(
    (lookupIds: string[]) => lookup.execute({ lookupIds }),
    (row) => row.lookupId,
  );

  async function readByLookupId(lookupId: string) {
    try {
      return await readBatch(lookupId);
    } catch (error) {
      throw new CredentialStoreUnavailableError(error);
    }
  }

  // MAIL FROM's re-read of the granted credential; concurrent transactions share one query like the lookups above.
  const byId = db
    .select({ id: t.id, ...grantColumns, ...restrictionColumns })
    .from(t)
    .where(sql`${t.id} = any(${sql.placeholder("ids")}::uuid[])`)
    .prepare("smtp_credential_recheck");
  const readById = createLookupBatcher(
    (ids: string[]) => byId.execute({ ids }),
    (row) => row.id,
  );

  // Failed logins that name no credential by their password are attributed by username, to every organization that
  // has one by that name; concurrent ones share a query like the lookups above.
  const readByUsername = createLookupBatcher(
    async (usernames: string[]) => {
      const rows = await db
        .select({ credentialId: t.id, organizationId: t.organizationId, username: t.username })
        .from(t)
        .where(inArray(sql`lower(${t.username})`, usernames));
      const named = new Map<string, CredentialRef[]>();
      for (const row of rows) {
        const key = row.username.toLowerCase();
        named.set(key, [...(named.get(key) ?? []), row]);
      }
      return [...named].map(([username, credentials]) => ({ username, credentials }));
    },
    (group) => group.username,
  );

  type Row = NonNullable<Awaited<ReturnType<typeof readByLookupId>>>;

  /** The full check: argon2id against the stored hash, or a dummy verification when there is nothing to match. */
  async function verifyHashed(attempt: LoginAttempt, row: Row | undefined): Promise<VerificationResult> {
    if (!row) {
      await hasher.dummyVerify(attempt.password);
      return { ok: false, reason: "unknown_password" };
    }
    const credential = { credentialId: row.id, organizationId: row.organizationId, username: row.username };
    const verifiedHash = await matchingHash(attempt.password, row);
    if (!verifiedHash) return { ok: false, reason: "bad_password", credential };
    cache.remember(attempt.password, verifiedHash);
    if (!row.active) return { ok: false, reason: "inactive", credential };
    if (!identityMatches(attempt, row)) return { ok: false, reason: "username_mismatch", credential };
    const restricted = loginRestriction(row, attempt.remoteAddress);
    if (restricted) return { ok: false, reason: restricted, credential };
    return success(credential, row, verifiedHash);
  }

  /** The stored hash the password verifies against: the current one, else the previous one during its overlap. */
  async function matchingHash(password: string, row: Row): Promise<string | undefined> {
    if (await hasher.verify(row.passwordHash, password)) return row.passwordHash;
    const previous = livePreviousHash(row);
    return previous !== undefined && (await hasher.verify(previous, password)) ? previous : undefined;
  }

  function success(credential: CredentialRef, row: Row, verifiedHash: string): VerificationResult {
    const grant = { ...credential, hashFingerprint: hashFingerprint(verifiedHash) };
    return verifiedHash === row.passwordHash ? { ok: true, grant } : { ok: true, grant, previousPassword: true };
  }

  /** The hashes a cached success may match: the current one, and the previous one while its overlap lasts. */
  const acceptedHashes = (row: Row) => {
    const previous = livePreviousHash(row);
    return previous === undefined ? [row.passwordHash] : [row.passwordHash, previous];
  };

  async function precheck(attempt: LoginAttempt): Promise<Precheck> {
    const parsed = parseSmtpPassword(attempt.password);
    // The format is public: refusing garbage without any hashing reveals nothing and costs no argon2. It is still
    // left to the throttle to count, so a flood of it is slowed and its refusals are not free.
    if (!parsed) {
      const result: VerificationResult = { ok: false, reason: "malformed_password" };
      return { settled: false, lookupId: undefined, credential: undefined, verify: async () => result };
    }
    const row = await readByLookupId(parsed.lookupId);
    // The cache may only shorten a success: a login that is going to fail always pays the full verification.
    const cachedHash =
      row?.active && identityMatches(attempt, row) && !loginRestriction(row, attempt.remoteAddress)
        ? cache.matching(attempt.password, acceptedHashes(row))
        : undefined;
    if (row && cachedHash) {
      const credential = { credentialId: row.id, organizationId: row.organizationId, username: row.username };
      return { settled: true, result: success(credential, row, cachedHash) };
    }
    const credential = row && { credentialId: row.id, organizationId: row.organizationId, username: row.username };
    return { settled: false, lookupId: parsed.lookupId, credential, verify: () => verifyHashed(attempt, row) };
  }

  return {
    /**
     * Everything short of argon2: a password the cache vouches for against the hash just read succeeds. Otherwise the
     * attempt still needs `verify` (which costs nothing for a malformed password), and the caller may throttle it.
     */
    precheck,

    async verify(attempt: LoginAttempt): Promise<VerificationResult> {
      const checked = await precheck(attempt);
      return checked.settled ? checked.result : checked.verify();
    },

    /** The credentials, in any organization, whose username is `username` (case-insensitively). */
    async credentialsNamed(username: string): Promise<CredentialRef[]> {
      // A name no credential can have needs no query.
      if (!USERNAME_PATTERN.test(username)) return [];
      try {
        return (await readByUsername(username.toLowerCase()))?.credentials ?? [];
      } catch (error) {
        throw new CredentialStoreUnavailableError(error);
      }
    },

    /**
     * Re-reads the granted credential: its restrictions as they are now when it is still there, active, with the
     * password the session logged in with, and still open to the session's address; undefined otherwise.
     */
    async recheck(grant: SmtpGrant, remoteAddress: string | null): Promise<CredentialRestrictions | undefined> {
      try {
        const row = await readById(grant.credentialId);
        if (!row || !grantHolds(grant, row) || loginRestriction(row, remoteAddress)) return undefined;
        return {
          allowedSenders: row.allowedSenders,
          allowedIps: row.allowedIps,
          expiresAt: row.expiresAt,
          limitPerMinute: row.limitPerMinute,
          limitPerHour: row.limitPerHour,
          limitPerDay: row.limitPerDay,
          limitRecipientsPerMessage: row.limitRecipientsPerMessage,
        };
      } catch (error) {
        throw new CredentialStoreUnavailableError(error);
      }
    },
  };
}

export type SmtpVerifier = ReturnType<typeof createSmtpVerifier>;
