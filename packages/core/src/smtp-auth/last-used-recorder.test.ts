import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLastUsedRecorder } from "./last-used-recorder";
import { createSmtpAuthFixture, type SmtpAuthFixture } from "./test-support";

const VIA = { remoteAddress: "198.51.100.1", method: "PLAIN" };

describe("last-used recorder", () => {
  let fixture: SmtpAuthFixture;
  beforeAll(async () => {
    fixture = await createSmtpAuthFixture();
  });
  afterAll(() => fixture.database.destroy());

  const lastUsedOf = async (id: string) =>
    (
      await fixture.database.db
        .select({ at: schema.smtpCredentials.lastUsedAt })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, id))
    )[0]?.at;

  /**
   * The database with `execute` observed, to count the statements the recorder sends, make them fail, or learn when
   * one has been carried out.
   */
  function observed(onExecute: () => Error | undefined, onExecuted: () => void = () => {}) {
    const db = fixture.database.db;
    return Object.assign(Object.create(db) as typeof db, {
      execute: async (query: Parameters<typeof db.execute>[0]) => {
        const failure = onExecute();
        if (failure) throw failure;
        const result = await db.execute(query);
        onExecuted();
        return result;
      },
    });
  }

  it("coalesces many logins into one write that keeps each credential's latest time", async () => {
    const a = await fixture.createCredential();
    const b = await fixture.createCredential();
    let writes = 0;
    const recorder = createLastUsedRecorder(
      observed(() => {
        writes++;
        return undefined;
      }),
      { intervalMs: 60_000 },
    );
    for (let n = 0; n < 100; n++) recorder.record(n % 2 ? b.id : a.id, VIA, new Date(Date.UTC(2030, 0, 1, 0, 0, n)));
    await recorder.flush();
    expect(writes).toBe(1);
    expect(await lastUsedOf(a.id)).toEqual(new Date(Date.UTC(2030, 0, 1, 0, 1, 38)));
    expect(await lastUsedOf(b.id)).toEqual(new Date(Date.UTC(2030, 0, 1, 0, 1, 39)));
  });

  const lastLoginOf = async (id: string) =>
    (
      await fixture.database.db
        .select({
          at: schema.smtpCredentials.lastUsedAt,
          remoteAddress: schema.smtpCredentials.lastUsedAddress,
          method: schema.smtpCredentials.lastUsedMethod,
        })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, id))
    )[0];

  it("writes the address and method of each credential's latest login in the same one statement", async () => {
    const a = await fixture.createCredential();
    const b = await fixture.createCredential();
    let writes = 0;
    const recorder = createLastUsedRecorder(
      observed(() => {
        writes++;
        return undefined;
      }),
      { intervalMs: 60_000 },
    );
    recorder.record(a.id, { remoteAddress: "203.0.113.7", method: "PLAIN" }, new Date("2030-02-01T00:00:02Z"));
    recorder.record(a.id, { remoteAddress: "203.0.113.8", method: "LOGIN" }, new Date("2030-02-01T00:00:01Z"));
    recorder.record(b.id, { remoteAddress: "2001:db8::1", method: "LOGIN" }, new Date("2030-02-01T00:00:03Z"));
    await recorder.flush();
    expect(writes).toBe(1);
    expect(await lastLoginOf(a.id)).toEqual({
      at: new Date("2030-02-01T00:00:02Z"),
      remoteAddress: "203.0.113.7",
      method: "PLAIN",
    });
    expect(await lastLoginOf(b.id)).toEqual({
      at: new Date("2030-02-01T00:00:03Z"),
      remoteAddress: "2001:db8::1",
      method: "LOGIN",
    });
  });

  it("keeps the address and method of the stored login when an older one is written after it", async () => {
    const credential = await fixture.createCredential();
    const recorder = createLastUsedRecorder(fixture.database.db);
    recorder.record(credential.id, { remoteAddress: "203.0.113.7", method: "PLAIN" }, new Date("2031-01-01T00:00:00Z"));
    await recorder.flush();
    // Another process's older login, written late.
    recorder.record(credential.id, { remoteAddress: "192.0.2.9", method: "LOGIN" }, new Date("2030-06-01T00:00:00Z"));
    await recorder.flush();
    expect(await lastLoginOf(credential.id)).toEqual({
      at: new Date("2031-01-01T00:00:00Z"),
      remoteAddress: "203.0.113.7",
      method: "PLAIN",
    });
  });

  it("never moves last_used_at backwards", async () => {
    const credential = await fixture.createCredential();
    const recorder = createLastUsedRecorder(fixture.database.db);
    recorder.record(credential.id, VIA, new Date("2031-01-01T00:00:00Z"));
    await recorder.flush();
    recorder.record(credential.id, VIA, new Date("2030-06-01T00:00:00Z"));
    await recorder.flush();
    expect(await lastUsedOf(credential.id)).toEqual(new Date("2031-01-01T00:00:00Z"));
    // Nor within one interval: an older time noted after a newer one is not what gets written.
    recorder.record(credential.id, VIA, new Date("2032-01-01T00:00:00Z"));
    recorder.record(credential.id, VIA, new Date("2031-06-01T00:00:00Z"));
    await recorder.flush();
    expect(await lastUsedOf(credential.id)).toEqual(new Date("2032-01-01T00:00:00Z"));
  });

  it("writes on its own, without a flush", async () => {
    const credential = await fixture.createCredential();
    let written = () => {};
    const write = new Promise<void>((resolve) => {
      written = resolve;
    });
    const recorder = createLastUsedRecorder(
      observed(
        () => undefined,
        () => written(),
      ),
      { intervalMs: 20 },
    );
    const at = new Date("2032-02-02T00:00:00Z");
    recorder.record(credential.id, VIA, at);
    // Resolved by the recorder's own timer: the test never flushes.
    await write;
    expect(await lastUsedOf(credential.id)).toEqual(at);
    expect(recorder.pending).toBe(0);
  });

  it("keeps what it could not write and writes it once the database answers", async () => {
    const credential = await fixture.createCredential();
    let failing = true;
    const flaky = observed(() => (failing ? new Error("connection refused") : undefined));
    const errors: unknown[] = [];
    const recorder = createLastUsedRecorder(flaky, { intervalMs: 60_000, onError: (e) => errors.push(e) });
    const at = new Date("2033-03-03T00:00:00Z");
    recorder.record(credential.id, VIA, at);
    await recorder.flush();
    expect(errors).toHaveLength(1);
    expect(recorder.pending).toBe(1);
    failing = false;
    await recorder.flush();
    expect(await lastUsedOf(credential.id)).toEqual(at);
  });

  it("keeps a login noted while a write fails, not the older time that failed", async () => {
    const credential = await fixture.createCredential();
    const older = new Date("2034-04-04T00:00:00Z");
    const newer = new Date("2034-04-05T00:00:00Z");
    let recorder: ReturnType<typeof createLastUsedRecorder> | undefined;
    let failing = true;
    const flaky = observed(() => {
      if (!failing) return undefined;
      // A login arrives while the write that carries the older time is on its way, and that write fails.
      recorder?.record(credential.id, VIA, newer);
      return new Error("connection reset");
    });
    recorder = createLastUsedRecorder(flaky, { intervalMs: 60_000 });
    recorder.record(credential.id, VIA, older);
    await recorder.flush();
    failing = false;
    await recorder.flush();
    expect(await lastUsedOf(credential.id)).toEqual(newer);
  });

  it("sends no statement when nothing was noted", async () => {
    let writes = 0;
    const recorder = createLastUsedRecorder(
      observed(() => {
        writes++;
        return undefined;
      }),
      { intervalMs: 60_000 },
    );
    await recorder.flush();
    expect(writes).toBe(0);
  });

  it("tries again on its own after a write it started on its own failed", async () => {
    const credential = await fixture.createCredential();
    let failures = 1;
    let written = () => {};
    const write = new Promise<void>((resolve) => {
      written = resolve;
    });
    const flaky = observed(
      () => (failures-- > 0 ? new Error("connection reset") : undefined),
      () => written(),
    );
    const recorder = createLastUsedRecorder(flaky, { intervalMs: 20 });
    const at = new Date("2035-05-05T00:00:00Z");
    recorder.record(credential.id, VIA, at);
    // Resolved by the second timed write: nothing is recorded again and the test never flushes.
    await write;
    expect(await lastUsedOf(credential.id)).toEqual(at);
  });
});
