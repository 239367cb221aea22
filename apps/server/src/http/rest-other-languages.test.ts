import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DomainError } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationWithApiKey, startTestServer, type TestServer } from "../testing";

const run = promisify(execFile);
const examples = fileURLToPath(new URL("../../../../examples/", import.meta.url));

/**
 * The REST API as a service in another language sees it: the repository's Python (standard library only) and curl
 * examples run as child processes against a real server, and the database is then checked for what they did.
 */
describe("the REST API from Python and curl", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  /** Runs an example with the key in its environment, as its header comment says; rejects on a non-zero exit. */
  async function runExample(command: string, script: string, token: string) {
    const { stdout } = await run(command, [`${examples}${script}`], {
      env: { ...process.env, RELAYPOST_URL: server.url, RELAYPOST_API_KEY: token },
    });
    return stdout;
  }

  /** The credential the example created is gone, and its events are exactly create, regenerate, delete by the key. */
  async function expectCreatedRegeneratedDeleted(organizationId: string, stdout: string, keyName: string) {
    const id = /^created smtp_[a-z0-9]{8} \(([0-9a-f-]{36})\)/m.exec(stdout)?.[1] ?? "";
    expect(id).not.toBe("");
    expect(stdout).toContain(`deleted ${id}\nget after delete: 404 NOT_FOUND\n`);
    expect(stdout).not.toContain("rpsmtp_");
    const missing = await server.core.smtpCredentials.get(organizationId, id).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(DomainError);
    expect(missing).toMatchObject({ code: "NOT_FOUND" });
    expect((await server.core.smtpCredentials.list(organizationId, { limit: 10 })).items).toEqual([]);
    const events = await server.core.events.since({ organizationId, afterId: 0, limit: 100 });
    expect(
      events.map((event) => [event.type, event.credentialId, "actor" in event.data ? event.data.actor : null]),
    ).toEqual([
      ["credential.created", id, `API key "${keyName}"`],
      ["credential.password_regenerated", id, `API key "${keyName}"`],
      ["credential.deleted", id, `API key "${keyName}"`],
    ]);
  }

  it("the Python example creates, lists, regenerates and deletes a credential, seeing each password once", async () => {
    const { organizationId, token } = await organizationWithApiKey(server, "Python");
    const stdout = await runExample("python3", "python/credential_lifecycle.py", token);
    expect(stdout).toMatch(/^each password was shown once, in \d+ answers$/m);
    await expectCreatedRegeneratedDeleted(organizationId, stdout, "Python service");
  });

  it("the curl example creates, lists, regenerates and deletes a credential", async () => {
    const { organizationId, token } = await organizationWithApiKey(server, "Curl");
    const stdout = await runExample("bash", "curl/credentials.sh", token);
    expect(stdout).toMatch(/^regenerated the password of smtp_[a-z0-9]{8}: a new one of \d+ characters$/m);
    await expectCreatedRegeneratedDeleted(organizationId, stdout, "Curl service");
  });

  it("both stop with a non-zero exit and the API's problem when the key is refused", async () => {
    const unknownKey = "rpkey_0000000000000000000000000000000000000000000";
    const failure = (command: string, script: string) =>
      runExample(command, script, unknownKey).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
    expect(await failure("python3", "python/credential_lifecycle.py")).toEqual({
      code: 1,
      stderr: "refused: 401 UNAUTHORIZED: The API key is invalid or revoked\n",
    });
    expect(await failure("bash", "curl/credentials.sh")).toEqual({
      code: 1,
      stderr: "mismatch: expected HTTP 200, got 401: UNAUTHORIZED: The API key is invalid or revoked\n",
    });
  });
});
