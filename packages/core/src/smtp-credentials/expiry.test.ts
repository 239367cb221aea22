import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvents } from "../events/store";
import { createPasswordHasher } from "../hashing";
import { announceExpiries } from "./expiry";
import { createCredentialLifecycle } from "./lifecycle";
import { newScope, watchRevocations } from "./test-support";

const HOUR = 3_600_000;

describe("announcing credential expiries", () => {
  // An announcement pass covers every organization's credentials: each test keeps to hours of its own.
  let database: TestDatabase;
  let revocations: Awaited<ReturnType<typeof watchRevocations>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    revocations = await watchRevocations(database);
  });
  afterAll(async () => {
    await revocations.stop();
    await database.destroy();
  });

  const expiredEvents = async (credentialId: string) =>
    (await readEvents(database.db, { afterId: 0, credentialId, types: ["credential.expired"], limit: 100 })).map(
      ({ type, organizationId, credentialId, username, remoteAddress, data }) => ({
        type,
        organizationId,
        credentialId,
        username,
        remoteAddress,
        data,
      }),
    );

  it("announces each credential whose expiry has come once: an event saying whether it is active, and its sessions end", async () => {
    const credentials = createCredentialLifecycle(database.db, createPasswordHasher());
    const scope = await newScope(database);
    const start = Date.now();
    const at = (hours: number) => new Date(start + hours * HOUR);
    const soon = (await credentials.create(scope, { username: "expires_soon", expiresAt: at(1) })).credential;
    const inactive = (await credentials.create(scope, { username: "expires_inactive", expiresAt: at(1) })).credential;
    await credentials.setActive(scope, inactive.id, false);
    const later = (await credentials.create(scope, { username: "expires_later", expiresAt: at(3) })).credential;
    const never = (await credentials.create(scope, { username: "never_expires" })).credential;
    await revocations.take();

    expect(await announceExpiries(database.db, at(0.5))).toBe(0);
    expect(await announceExpiries(database.db, at(1))).toBe(2);
    expect(await expiredEvents(soon.id)).toEqual([
      {
        type: "credential.expired",
        organizationId: scope.organizationId,
        credentialId: soon.id,
        username: "expires_soon",
        remoteAddress: null,
        data: { actor: "expiry", active: true },
      },
    ]);
    expect((await expiredEvents(inactive.id)).map((e) => e.data)).toEqual([{ actor: "expiry", active: false }]);
    const ended = await revocations.take();
    expect(ended).toHaveLength(2);
    expect(ended).toEqual(
      expect.arrayContaining([
        { kind: "credential", credentialId: soon.id },
        { kind: "credential", credentialId: inactive.id },
      ]),
    );

    expect(await announceExpiries(database.db, at(2))).toBe(0);
    expect(await revocations.take()).toEqual([]);
    expect(await expiredEvents(soon.id)).toHaveLength(1);

    expect(await announceExpiries(database.db, at(3))).toBe(1);
    expect(await revocations.take()).toEqual([{ kind: "credential", credentialId: later.id }]);
    expect(await expiredEvents(later.id)).toHaveLength(1);
    expect(await expiredEvents(never.id)).toEqual([]);
  });

  it("announces a credential again when its expiry was moved and the new one comes; other edits do not", async () => {
    const credentials = createCredentialLifecycle(database.db, createPasswordHasher());
    const scope = await newScope(database);
    const start = Date.now() + 100 * HOUR;
    const at = (hours: number) => new Date(start + hours * HOUR);
    const { credential } = await credentials.create(scope, { expiresAt: at(1) });
    expect(await announceExpiries(database.db, at(1))).toBe(1);

    await credentials.update(scope, credential.id, { expiresAt: at(5) });
    expect(await announceExpiries(database.db, at(2))).toBe(0);
    expect(await announceExpiries(database.db, at(5))).toBe(1);
    expect(await expiredEvents(credential.id)).toHaveLength(2);

    await credentials.update(scope, credential.id, { description: "renamed", allowedIps: ["192.0.2.0/24"] });
    expect(await announceExpiries(database.db, at(6))).toBe(0);
    expect(await expiredEvents(credential.id)).toHaveLength(2);
  });
});
