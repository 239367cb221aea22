import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DomainError } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliAnswer, CliRequest } from "./requests";
import { askServer, cliSocketPath, listenCliSocket } from "./socket";

const ORGS_LIST: CliRequest = { command: "orgs list" };
const answeredBy =
  (name: string) =>
  async (request: CliRequest): Promise<CliAnswer> => ({ data: { name, command: request.command }, text: [name] });
const faults: unknown[] = [];
const onFault = (_context: string, error: unknown) => faults.push(error);

/** A process that listens on `path` and dies by SIGKILL, leaving its socket file behind as a crash does. */
async function crashedServerAt(path: string) {
  const script = `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`;
  const child = spawn(process.execPath, ["-e", script], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
}

describe("the CLI's socket", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "relaypost-socket-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("replaces a crashed server's socket file, answers with mode 0600, and removes the file on close", async () => {
    const path = cliSocketPath(dataDir);
    await crashedServerAt(path);
    expect(existsSync(path)).toBe(true);
    expect(await askServer(dataDir, ORGS_LIST)).toBeUndefined();

    const socket = await listenCliSocket(dataDir, answeredBy("live"), onFault);
    expect(socket).toMatchObject({ path, listening: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await askServer(dataDir, ORGS_LIST)).toEqual({
      data: { name: "live", command: "orgs list" },
      text: ["live"],
    });

    await socket.close();
    expect(existsSync(path)).toBe(false);
    expect(await askServer(dataDir, ORGS_LIST)).toBeUndefined();
  });

  it("leaves the socket to the server already answering on it", async () => {
    const first = await listenCliSocket(dataDir, answeredBy("first"), onFault);
    const second = await listenCliSocket(dataDir, answeredBy("second"), onFault);
    expect(second.listening).toBe(false);
    expect(await askServer(dataDir, ORGS_LIST)).toMatchObject({ text: ["first"] });
    await second.close();
    expect(await askServer(dataDir, ORGS_LIST)).toMatchObject({ text: ["first"] });
    await first.close();
  });

  it("hands back a domain refusal as the same typed error, and any other failure without its detail", async () => {
    const refusing = await listenCliSocket(
      dataDir,
      async () => {
        throw new DomainError("CONFLICT", "already there");
      },
      onFault,
    );
    await expect(askServer(dataDir, ORGS_LIST)).rejects.toMatchObject({ code: "CONFLICT", message: "already there" });
    await refusing.close();

    const failing = await listenCliSocket(
      dataDir,
      async () => {
        throw new Error("detail only the log may see");
      },
      onFault,
    );
    const failure = askServer(dataDir, ORGS_LIST);
    await expect(failure).rejects.toThrow("The command failed inside the server; see its log");
    await expect(failure).rejects.not.toThrow(/detail only/);
    expect(faults).toContainEqual(new Error("detail only the log may see"));
    await failing.close();
  });

  it("refuses a line that is not a request", async () => {
    const socket = await listenCliSocket(dataDir, answeredBy("live"), onFault);
    const reply = await new Promise<string>((resolve) => {
      let received = "";
      const client = connect(cliSocketPath(dataDir));
      client.setEncoding("utf8");
      client.on("data", (chunk: string) => {
        received += chunk;
      });
      client.once("end", () => resolve(received));
      client.end(`${JSON.stringify({ command: "users drop-all" })}\n`);
    });
    expect(JSON.parse(reply)).toEqual({
      ok: false,
      error: { kind: "usage", message: "The server did not understand this request" },
    });
    await socket.close();
  });

  it("refuses a DATA_DIR too long for a Unix socket rather than listen on a shortened path", async () => {
    const longDir = join(dataDir, "d".repeat(100));
    await expect(listenCliSocket(longDir, answeredBy("long"), onFault)).rejects.toThrow(/too long for a Unix socket/);
    expect(await askServer(longDir, ORGS_LIST)).toBeUndefined();
  });
});
