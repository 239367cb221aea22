import { describe, expect, it } from "vitest";
import { UsageError } from "./exit-codes";
import { COMMANDS, parseInvocation } from "./spec";

describe("reading the command line", () => {
  it.each(Object.keys(COMMANDS))("answers `%s --help` with its usage, reading nothing else", (name) => {
    const invocation = parseInvocation([...name.split(" "), "--help"]);
    expect(invocation).toMatchObject({ kind: "help", text: expect.stringContaining(`relaypost ${name}`) });
    expect(invocation.kind === "help" && invocation.text).toMatch(/Exit codes: 0 done/);
  });

  it("answers a group's --help with its commands, and the group alone as a usage error listing them", () => {
    expect(parseInvocation(["credentials", "--help"])).toMatchObject({
      kind: "help",
      text: expect.stringContaining("relaypost credentials regenerate"),
    });
    expect(() => parseInvocation(["api-keys"])).toThrow(/relaypost api-keys revoke/);
  });

  it("hides the older spellings from the overview but keeps them working", () => {
    const overview = parseInvocation(["--help"]);
    expect(overview.kind === "help" && overview.text).not.toMatch(/relaypost org create|relaypost api-key create/);
    expect(parseInvocation(["org", "create", "--name", "A", "--owner-email", "a@b.test"])).toMatchObject({
      kind: "request",
      name: "org create",
    });
  });

  it("builds the request with --json and the positional credential", async () => {
    const invocation = parseInvocation(["credentials", "regenerate", "--org", "acme", "app", "--keep-previous", "60"]);
    expect(invocation).toMatchObject({ kind: "request", json: false });
    if (invocation.kind !== "request") throw new Error("not a request");
    expect(await invocation.request()).toEqual({
      command: "credentials regenerate",
      org: "acme",
      credential: "app",
      keepPreviousForSeconds: 60,
    });
    expect(parseInvocation(["orgs", "list", "--json"])).toMatchObject({ kind: "request", json: true });
  });

  it.each([
    [["credentials", "delete", "--org", "acme"], /takes one <id\|username>/],
    [["credentials", "delete", "--org", "acme", "a", "b"], /takes one <id\|username>/],
    [["credentials", "list", "--org", "acme", "--bogus"], /Unknown option '--bogus'/],
    [["credentials", "frobnicate"], /Unknown command: credentials frobnicate/],
    [["credentials", "regenerate", "--org", "a", "x", "--keep-previous", "soon"], /whole number of seconds/],
  ])("refuses %j", async (argv, message) => {
    const read = async () => {
      const invocation = parseInvocation(argv);
      if (invocation.kind === "request") await invocation.request();
    };
    await expect(read()).rejects.toThrow(message);
  });

  it("refuses a password on the command line before reading any", async () => {
    const invocation = parseInvocation(["users", "reset-password", "--email", "a@b.test", "--password", "pw"]);
    if (invocation.kind !== "request") throw new Error("not a request");
    await expect(invocation.request()).rejects.toThrow(UsageError);
    await expect(invocation.request()).rejects.toThrow(/--password is refused/);
  });
});
