import { operatorScope } from "@relaypost/core";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import type { DestinationStream } from "pino";
import { type Config, loadConfig } from "./config";
import { type RelayPostServer, startServer } from "./server";

export interface TestServer extends RelayPostServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The database this server uses, when on PostgreSQL (start a second process on it with `startTestServer`). */
  databaseUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * A real RelayPost process in this test's process, on free ports: in-memory PGlite by default, or a fresh database
 * on the PostgreSQL server named by TEST_DATABASE_URL. Pass `databaseUrl` to start another process on the same one,
 * `logDestination` to read its log lines (by default only faults are written, to standard error).
 */
export async function startTestServer(
  options: { databaseUrl?: string; config?: Partial<Config>; logDestination?: DestinationStream } = {},
): Promise<TestServer> {
  let owned: TestDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl && testServerUrl) {
    owned = await createTestDatabase();
    databaseUrl = owned.url;
    await owned.close();
  }
  const config: Config = {
    ...loadConfig({}),
    PORT: 0,
    SMTP_PORT: 0,
    DATA_DIR: "memory://",
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: options.logDestination ? "info" : "error",
    ...options.config,
  };
  const server = await startServer(config, { logDestination: options.logDestination ?? process.stderr });
  return {
    ...server,
    url: `http://127.0.0.1:${server.httpPort}`,
    databaseUrl,
    async stop() {
      await server.close();
      await owned?.destroy();
    },
  };
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A log destination keeping every line a server writes, parsed: what a collector reading its output would get. */
export function collectLogLines() {
  const lines: LogLine[] = [];
  return {
    lines,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
    /** Lines at level error or above: server faults. */
    faults: () => lines.filter((line) => line.level >= 50),
  };
}

/** A new organization on `server` with an admin API key, as a service integrating over REST would hold. */
export async function organizationWithApiKey(server: Pick<TestServer, "core">, name: string) {
  const { organization } = await server.core.organizations.create({
    name,
    owner: { email: `${name.toLowerCase()}-owner@example.com`, password: "owner-password-123" },
  });
  const { token } = await server.core.apiKeys.create(operatorScope(organization.id, "test"), {
    name: `${name} service`,
    role: "admin",
  });
  return { organizationId: organization.id, token };
}
