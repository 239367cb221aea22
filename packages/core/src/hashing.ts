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

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the same work as a real verification, for callers that found nothing to verify against. */
  dummyVerify(password: string): Promise<void>;
  readonly concurrency: Semaphore;
}

export function createPasswordHasher(concurrency = availableParallelism()): PasswordHasher {
  const gate = new Semaphore(Math.max(1, concurrency));
  let dummyHash: Promise<string> | undefined;
  const verifyHash = (passwordHash: string, password: string) =>
    gate.run(() => verify(passwordHash, password).catch(() => false));
  return {
    concurrency: gate,
    hash: (password) => gate.run(() => hash(password, ARGON2ID_PARAMS)),
    verify: verifyHash,
    async dummyVerify(password) {
      dummyHash ??= hash("relaypost-dummy-password", ARGON2ID_PARAMS);
      await verifyHash(await dummyHash, password);
    },
  };
}
