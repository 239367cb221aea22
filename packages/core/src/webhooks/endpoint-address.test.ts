import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../actor";
import { DomainError } from "../errors";
import { createRuntime } from "../runtime";
import { Keyring } from "../secret-box";
import { assertDeliverableUrl, isPublicAddress } from "./endpoint-address";
import { startReceiver } from "./receiver.test-support";
import { postWebhook } from "./sender";

const STRICT = { allowPrivateNetworks: false };
const ALLOWED = { allowPrivateNetworks: true };

const refusedField = async (url: string, policy = STRICT) => {
  const error = await assertDeliverableUrl(url, policy).then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof DomainError ? { field: error.field, message: error.message } : error;
};

describe("endpoint addresses (SSRF)", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "2001:db8::1",
  ])("counts %s as not public", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("counts %s as public", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ["https://127.0.0.1/hooks", "127.0.0.1 is not a public address"],
    ["https://[::1]/hooks", "::1 is not a public address"],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254 is not a public address"],
    ["https://[::ffff:7f00:1]/hooks", "::ffff:7f00:1 is not a public address"],
    ["https://localhost/hooks", "localhost resolves to"],
  ])("refuses %s", async (url, message) => {
    expect(await refusedField(url)).toMatchObject({ field: "url", message: expect.stringContaining(message) });
  });

  it("refuses plain HTTP, other schemes, credentials in the URL and what is not a URL", async () => {
    expect(await refusedField("http://93.184.215.14/hooks")).toMatchObject({
      message: "Webhook endpoints must use https://",
    });
    expect(await refusedField("ftp://93.184.215.14/hooks")).toMatchObject({ field: "url" });
    expect(await refusedField("https://user:pw@93.184.215.14/hooks")).toMatchObject({
      message: expect.stringContaining("no user or password"),
    });
    expect(await refusedField("hooks.example.com")).toMatchObject({ message: expect.stringContaining("full URL") });
  });

  it("accepts a public HTTPS address, and private ones and plain HTTP only when the operator allows them", async () => {
    await expect(assertDeliverableUrl("https://93.184.215.14/hooks", STRICT)).resolves.toBeInstanceOf(URL);
    await expect(assertDeliverableUrl("http://127.0.0.1:8080/hooks", ALLOWED)).resolves.toBeInstanceOf(URL);
    await expect(assertDeliverableUrl("http://localhost:8080/hooks", ALLOWED)).resolves.toBeInstanceOf(URL);
  });

  it("refuses at connect time what was allowed at registration, and sends the loopback receiver nothing", async () => {
    const receiver = await startReceiver();
    try {
      const byName = receiver.url.replace("127.0.0.1", "localhost");
      const options = { policy: STRICT, timeoutMs: 5_000 };
      expect(await postWebhook(receiver.url, {}, "{}", options)).toEqual({
        status: null,
        response: "127.0.0.1 is not a public address",
      });
      expect(await postWebhook(byName, {}, "{}", options)).toMatchObject({
        status: null,
        response: expect.stringContaining("localhost resolves to"),
      });
      expect(receiver.received).toHaveLength(0);
      expect(await postWebhook(byName, {}, "{}", { ...options, policy: ALLOWED })).toEqual({
        status: 200,
        response: "ok",
      });
    } finally {
      await receiver.close();
    }
  });
});

describe("registering an endpoint", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  it("is refused for a private address unless the operator allows it, and without a server key at all", async () => {
    const strict = await createRuntime(database, {
      keyring: new Keyring(randomBytes(32)),
      webhooks: { background: false },
    });
    const keyless = await createRuntime(database, { webhooks: { background: false, policy: ALLOWED } });
    try {
      const { organization } = await strict.core.organizations.create({
        name: "SSRF",
        owner: { email: "owner@ssrf.test", password: "owner-password-1" },
      });
      const scope = { organizationId: organization.id, actor: systemActor("test") };
      await expect(strict.core.webhooks.create(scope, { url: "https://10.0.0.8/hooks" })).rejects.toMatchObject({
        field: "url",
      });
      await expect(keyless.core.webhooks.create(scope, { url: "http://10.0.0.8/hooks" })).rejects.toMatchObject({
        message: expect.stringContaining("RELAYPOST_SECRET_KEY"),
      });
      expect(await strict.core.webhooks.list(organization.id)).toEqual([]);
    } finally {
      await strict.close();
      await keyless.close();
    }
  });
});
