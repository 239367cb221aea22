import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startTestServer, type TestServer } from "@relaypost/server/testing";
import { RawSmtpClient } from "@relaypost/smtp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationWithClient } from "./test-support";

const run = promisify(execFile);
const examples = fileURLToPath(new URL("../examples/", import.meta.url));

/** A running example: its standard output line by line, waited on by content rather than by time. */
function startExample(script: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [`${examples}${script}`], { env: { ...process.env, ...env } });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (match: RegExpExecArray) => void; reject: (e: Error) => void }> = [];
  let stderr = "";
  let exitCode: number | null | undefined;
  const settle = () => {
    for (const waiter of [...waiters]) {
      const match = lines.map((line) => waiter.pattern.exec(line)).find((found) => found !== null);
      if (!match && exitCode === undefined) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      if (match) waiter.resolve(match);
      else waiter.reject(new Error(`exited ${exitCode} without a line matching ${waiter.pattern}: ${stderr}`));
    }
  };
  let partial = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    settle();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once("close", (code) => {
      exitCode = code;
      settle();
      resolve({ code, stderr });
    }),
  );
  return {
    lines,
    exited,
    /** Resolves with the match of the first line, printed already or later, that matches `pattern`. */
    untilLine: (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        settle();
      }),
  };
}

describe("the client's plain JavaScript examples against a real server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  async function smtpLogin(username: string, password: string) {
    const smtp = await RawSmtpClient.connect(server.smtpPort);
    await smtp.command("EHLO app.example");
    await smtp.startTls();
    await smtp.command("EHLO app.example");
    const reply = await smtp.authPlain(username, password);
    smtp.destroy();
    return reply?.code;
  }

  it("watch-logins.mjs lists credentials, shows recent logins, follows new ones live and resumes where it stopped", async () => {
    const org = await organizationWithClient(server, "Watcher");
    const { token } = await org.client.apiKeys.create.mutate({ name: "watcher", role: "viewer" });
    const { password } = await org.client.smtpCredentials.create.mutate({ username: "watched_app" });
    expect(await smtpLogin("watched_app", password)).toBe(235);

    const first = startExample("watch-logins.mjs", {
      RELAYPOST_URL: server.url,
      RELAYPOST_API_KEY: token,
      WATCH_EVENTS: "2",
    });
    // Logins after this line are after its resume point: it prints them whenever its subscription starts.
    await first.untilLine(/^watching logins after event \d+$/);
    expect(await smtpLogin("someone_else", password)).toBe(535);
    expect(await smtpLogin("watched_app", password)).toBe(235);
    const [, stoppedAt] = await first.untilLine(/^stopped; resume with RELAYPOST_LAST_EVENT_ID=(\d+)$/);
    expect(await first.exited).toMatchObject({ code: 0 });
    const login = (outcome: string) =>
      expect.stringMatching(new RegExp(`^event \\d+: ${outcome} watched_app from [0-9a-f.:]+ at \\d{4}-`));
    expect(first.lines).toEqual([
      "credentials: 1",
      expect.stringMatching(/^ {2}watched_app active, last used /),
      "recent logins: 1",
      login("accepted"),
      expect.stringMatching(/^watching logins after event \d+$/),
      login("refused \\(username_mismatch\\)"),
      login("accepted"),
      `stopped; resume with RELAYPOST_LAST_EVENT_ID=${stoppedAt}`,
    ]);

    // While it is not running, one more login; started again from where it stopped, it prints that one first.
    expect(await smtpLogin("watched_app", password)).toBe(235);
    const second = startExample("watch-logins.mjs", {
      RELAYPOST_URL: server.url,
      RELAYPOST_API_KEY: token,
      RELAYPOST_LAST_EVENT_ID: stoppedAt ?? "",
      WATCH_EVENTS: "1",
    });
    expect(await second.exited).toMatchObject({ code: 0 });
    const missed = /^event (\d+): accepted/.exec(second.lines[3] ?? "")?.[1];
    expect(second.lines).toEqual([
      "credentials: 1",
      expect.stringMatching(/^ {2}watched_app active, last used \d{4}-/),
      `watching logins after event ${stoppedAt}`,
      login("accepted"),
      `stopped; resume with RELAYPOST_LAST_EVENT_ID=${missed}`,
    ]);
    expect(Number(missed)).toBeGreaterThan(Number(stoppedAt));
    org.client.close();
  });

  it("credential-lifecycle.mjs creates, lists, regenerates and deletes a credential and sees each change's event", async () => {
    const org = await organizationWithClient(server, "Lifecycle");
    const { stdout } = await run(process.execPath, [`${examples}credential-lifecycle.mjs`], {
      env: { ...process.env, RELAYPOST_URL: server.url, RELAYPOST_API_KEY: org.token },
    });
    const username = /^created (smtp_[a-z0-9]{8}) /m.exec(stdout)?.[1];
    expect(username).toBeDefined();
    expect(stdout).not.toContain("rpsmtp_");
    expect(stdout.split("\n").filter((line) => line.startsWith("event "))).toEqual([
      expect.stringMatching(new RegExp(`^event \\d+: credential.created ${username} `)),
      expect.stringMatching(new RegExp(`^event \\d+: credential.password_regenerated ${username} `)),
      expect.stringMatching(new RegExp(`^event \\d+: credential.deleted ${username} `)),
    ]);
    expect(stdout).toContain(`new password for ${username}: true\n`);
    expect((await org.client.smtpCredentials.list.query({})).items).toEqual([]);
    org.client.close();
  });
});
