import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";

/** OWASP's argon2id profile (m=19 MiB, t=2, p=1); pinned so stored hashes stay comparable and auditable. */
export const ARGON2ID_PARAMS = {
  // Algorithm.Argon2id; the package declares it as an ambient const enum, which isolated modules cannot read.
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * Bounds how many argon2 computations run at once. argon2 runs on libuv's thread pool, which file, DNS and
 * crypto work share; a login storm must queue here rather than starve the rest of the process.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get queued(): number {
    return this.waiting.length;
  }

  /** Nothing running and nothing waiting. */
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** The hasher's queue is full: the caller should hear "busy, try again", not wait without bound. */
export class HasherBusyError extends Error {
  constructor() {
    super("Too many password verifications are waiting");
    this.name = "HasherBusyError";
  }
}

export interface PasswordHasherOptions {
  /** argon2 computations run at once (default: one per core). */
  concurrency?: number;
  /** Computations allowed to wait for a place; past this a call fails with HasherBusyError at once. */
  maxQueued?: number;
  /** Told how long each computation waited for its place, in seconds (the metrics' argon2 wait). */
  onWaited?: (seconds: number) => void;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the same work as a real verification, for callers that found nothing to verify against. */
  dummyVerify(password: string): Promise<void>;
  readonly concurrency: Semaphore;
}

/**
 * Each class of caller (SMTP logins, account and API work) gets a hasher of its own: separate gates and queues, so a
 * storm of one class can never starve the other of argon2.
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const gate = new Semaphore(Math.max(1, options.concurrency ?? availableParallelism()));
  const maxQueued = options.maxQueued ?? Number.POSITIVE_INFINITY;
  const gated = <T>(task: () => Promise<T>): Promise<T> => {
    if (gate.queued >= maxQueued) return Promise.reject(new HasherBusyError());
    const queuedAt = performance.now();
    return gate.run(() => {
      options.onWaited?.((performance.now() - queuedAt) / 1000);
      return task();
    });
  };
  let dummyHash: Promise<string> | undefined;
  const verifyHash = (passwordHash: string, password: string) =>
    gated(() => verify(passwordHash, password).catch(() => false));
  return {
    concurrency: gate,
    hash: (password) => gated(() => hash(password, ARGON2ID_PARAMS)),
    verify: verifyHash,
    async dummyVerify(password) {
      dummyHash ??= hash("relaypost-dummy-password", ARGON2ID_PARAMS);
      await verifyHash(await dummyHash, password);
    },
  };
}

/** Waiting argon2 work past which callers hear "busy" at once instead of queueing without bound. */
const MAX_QUEUED_ACCOUNT_HASHES = 64;
const MAX_QUEUED_SMTP_HASHES = 512;

/** argon2 for account and API work: user passwords, new SMTP passwords. */
export const createAccountHasher = (options: Pick<PasswordHasherOptions, "onWaited"> = {}) =>
  createPasswordHasher({ ...options, maxQueued: MAX_QUEUED_ACCOUNT_HASHES });

/** argon2 for SMTP logins: a gate and queue of its own, so neither class of caller can starve the other. */
export const createSmtpHasher = (options: Pick<PasswordHasherOptions, "onWaited"> = {}) =>
  createPasswordHasher({ ...options, maxQueued: MAX_QUEUED_SMTP_HASHES });
