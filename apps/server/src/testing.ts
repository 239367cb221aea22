import { operatorScope } from "@relaypost/core";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import { type Config, loadConfig } from "./config";
import type { FaultSink } from "./log";
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
 * `faultSink` to collect the fault lines it would write to standard error.
 */
export async function startTestServer(
  options: { databaseUrl?: string; config?: Partial<Config>; faultSink?: FaultSink } = {},
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
    ...options.config,
  };
  const server = await startServer(config, { faultSink: options.faultSink });
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
