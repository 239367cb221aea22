import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startTestServer, type TestServer } from "@relaypost/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationWithClient } from "./test-support";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const typescriptBin = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

/**
 * Another service's view: a project outside this monorepo that depends on the built package (dist/ JS and types),
 * as `npm install @relaypost/client` would give it.
 */
describe("@relaypost/client as a dependency of another project", () => {
  let server: TestServer;
  let project: string;
  beforeAll(async () => {
    server = await startTestServer();
    project = mkdtempSync(join(tmpdir(), "relaypost-consumer-"));
    mkdirSync(join(project, "node_modules", "@relaypost"), { recursive: true });
    symlinkSync(packageDir, join(project, "node_modules", "@relaypost", "client"));
    writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
  });
  afterAll(async () => {
    rmSync(project, { recursive: true, force: true });
    await server.stop();
  });

  it("runs from a plain Node ESM script: create, list and subscribe", async () => {
    const { token } = await organizationWithClient(server, "Consumer");
    writeFileSync(
      join(project, "script.mjs"),
      `import { createRelayPostClient } from "@relaypost/client";
const client = createRelayPostClient({ url: process.argv[2], apiKey: process.argv[3] });
const received = new Promise((resolve) => {
  client.events.subscribe.subscribe({ lastEventId: "0" }, { onData: (e) => resolve(e.data.type) });
});
const { credential, password } = await client.smtpCredentials.create.mutate({ description: "from a script" });
const { items } = await client.smtpCredentials.list.query({});
console.log(JSON.stringify({
  username: credential.username,
  passwordShape: password.startsWith("rpsmtp_"),
  createdAtIsDate: credential.createdAt instanceof Date,
  listed: items.map((c) => c.id).includes(credential.id),
  event: await received,
}));
client.close();
`,
    );
    const { stdout } = await run(process.execPath, ["script.mjs", server.url, token], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      username: expect.stringMatching(/^smtp_[a-z0-9]{8}$/),
      passwordShape: true,
      createdAtIsDate: true,
      listed: true,
      event: "credential.created",
    });
  });

  it("publishes one declaration file that imports only tRPC, and depends on no database package", () => {
    const declarations = readFileSync(join(packageDir, "dist", "index.d.ts"), "utf8");
    const imported = [...declarations.matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]);
    expect(new Set(imported)).toEqual(
      new Set(["@trpc/server", "@trpc/server/unstable-core-do-not-import", "@trpc/client"]),
    );
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@trpc/client", "@trpc/server", "superjson", "ws"]);
  });

  it("type-checks a TypeScript consumer with Node's own module resolution and library checks on, and rejects misuse", async () => {
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ["good.ts", "bad.ts"],
      }),
    );
    writeFileSync(
      join(project, "good.ts"),
      `import { createRelayPostClient, type SmtpCredential } from "@relaypost/client";
const client = createRelayPostClient({ url: "http://localhost:3000", apiKey: "rpkey_x" });
export async function rotate(id: string): Promise<string> {
  const { credential, password }: { credential: SmtpCredential; password: string } =
    await client.smtpCredentials.regeneratePassword.mutate({ id });
  return credential.username + password;
}
`,
    );
    writeFileSync(
      join(project, "bad.ts"),
      `import { createRelayPostClient } from "@relaypost/client";
const client = createRelayPostClient({ url: "http://localhost:3000", apiKey: "rpkey_x" });
export const wrong = client.smtpCredentials.setActive.mutate({ id: "x", active: "yes" });
`,
    );
    const result = await run(process.execPath, [typescriptBin, "-p", project], { cwd: project }).then(
      () => ({ stdout: "" }),
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    const errors = result.stdout.split("\n").filter((line) => line.includes("error TS"));
    expect(errors.every((line) => line.startsWith("bad.ts"))).toBe(true);
    expect(errors).toEqual([expect.stringContaining("Type 'string' is not assignable to type 'boolean'")]);
  }, 120_000);
});
