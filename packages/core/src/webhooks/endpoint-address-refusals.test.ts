import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { assertDeliverableUrl, EndpointAddressRefusedError, guardedLookup, isPublicAddress } from "./endpoint-address";

const STRICT = { allowPrivateNetworks: false };
const ALLOWED = { allowPrivateNetworks: true };
const NOT_PUBLIC =
  "is not a public address; webhooks go only to public addresses unless the operator allows private networks";
/** Reserved for names that never resolve (RFC 6761). */
const UNRESOLVABLE = "relaypost-test.invalid";

async function refusal(url: string, policy = STRICT) {
  const error = await assertDeliverableUrl(url, policy).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`${url} was not refused with a DomainError`);
  return { code: error.code, message: error.message, field: error.field };
}

/** Calls the connect-time lookup as node:http would and gives back what it answered. */
function lookUp(hostname: string, options: object, policy = STRICT) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>(
    (resolve) =>
      guardedLookup(policy)(hostname, options, (error, address, family) => resolve({ error, address, family })),
  );
}

describe("endpoint address edges", () => {
  it.each([
    ["10.255.255.255", false],
    ["11.0.0.0", true],
    ["172.15.255.255", true],
    ["172.16.0.0", false],
    ["172.31.255.255", false],
    ["172.32.0.0", true],
    ["192.167.255.255", true],
    ["192.168.0.0", false],
    ["100.63.255.255", true],
    ["100.64.0.0", false],
    ["100.127.255.255", false],
    ["100.128.0.0", true],
    ["126.255.255.255", true],
    ["127.0.0.0", false],
    ["fe80::", false],
    ["febf:ffff::1", false],
    ["::ffff:172.16.0.1", false],
  ])("counts %s as public: %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it.each(["", "not-an-address", "256.0.0.1", "localhost"])(
    "counts %j, which is no IP address, as not public",
    (text) => {
      expect(isPublicAddress(text)).toBe(false);
    },
  );
});

describe("endpoint URL refusals", () => {
  it("names the refused address without IPv6 brackets, in the url field", async () => {
    expect(await refusal("https://[fd00::1]:8443/hooks")).toEqual({
      code: "BAD_REQUEST",
      field: "url",
      message: `fd00::1 ${NOT_PUBLIC}`,
    });
    expect(await refusal("https://192.168.1.1/hooks")).toEqual({
      code: "BAD_REQUEST",
      field: "url",
      message: `192.168.1.1 ${NOT_PUBLIC}`,
    });
  });

  it("says which address a name resolves to when that address is not public", async () => {
    expect(await refusal("https://localhost/hooks")).toEqual({
      code: "BAD_REQUEST",
      field: "url",
      message: expect.stringMatching(
        new RegExp(`^localhost resolves to (127\\.0\\.0\\.1|::1), which ${NOT_PUBLIC.replace(/[.]/g, "\\.")}$`),
      ),
    });
  });

  it("says a name that does not resolve could not be resolved", async () => {
    expect(await refusal(`https://${UNRESOLVABLE}/hooks`)).toEqual({
      code: "BAD_REQUEST",
      field: "url",
      message: `${UNRESOLVABLE} could not be resolved`,
    });
  });

  it("refuses a user name alone, a password alone, a bad scheme and a non-URL with their exact messages", async () => {
    const noCredentials = {
      code: "BAD_REQUEST",
      field: "url",
      message: "Put no user or password in the URL: requests are signed instead",
    };
    expect(await refusal("https://user@93.184.215.14/hooks")).toEqual(noCredentials);
    expect(await refusal("https://:secret@93.184.215.14/hooks")).toEqual(noCredentials);
    expect(await refusal("http://93.184.215.14/hooks")).toEqual({
      code: "BAD_REQUEST",
      field: "url",
      message: "Webhook endpoints must use https://",
    });
    expect(await refusal("ftp://127.0.0.1/hooks", ALLOWED)).toEqual({
      code: "BAD_REQUEST",
      field: "url",
      message: "Webhook endpoints must use https://",
    });
    expect(await refusal("/relaypost")).toEqual({
      code: "BAD_REQUEST",
      field: "url",
      message: "Enter a full URL, like https://hooks.example.com/relaypost",
    });
  });
});

describe("connect-time lookup", () => {
  it("refuses a name resolving to loopback with an EndpointAddressRefusedError and no address", async () => {
    const { error, address } = await lookUp("localhost", {});
    expect(error).toBeInstanceOf(EndpointAddressRefusedError);
    expect(error?.name).toBe("EndpointAddressRefusedError");
    expect(error?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), which is not a public/);
    expect(address).toEqual([]);
  });

  it("answers one address and its family unless every address is asked for", async () => {
    const one = await lookUp("localhost", {}, ALLOWED);
    expect(one.error).toBeNull();
    expect(typeof one.address).toBe("string");
    expect(isPublicAddress(String(one.address))).toBe(false);
    expect([4, 6]).toContain(one.family);
    const notAll = await lookUp("localhost", { all: false }, ALLOWED);
    expect(notAll.address).toBe(one.address);

    const all = await lookUp("localhost", { all: true }, ALLOWED);
    expect(all.error).toBeNull();
    expect(all.address).toContainEqual({ address: one.address, family: one.family });
  });

  it("passes a failed resolution on with no address", async () => {
    const { error, address } = await lookUp(UNRESOLVABLE, {}, ALLOWED);
    expect(error?.code).toBe("ENOTFOUND");
    expect(address).toEqual([]);
  });
});
