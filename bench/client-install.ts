/**
 * What another project gets from `npm install @relaypost/client`: the client is built and packed at `--base` (a git
 * ref, the baseline) and at the working tree, each tarball is installed with npm into an empty project, and the bench
 * reports the installed size (without TypeScript, which the consumer brings), the packages pulled in, and how many
 * errors a strict consumer sees with `skipLibCheck: false`. Needs the npm registry.
 * Run: pnpm --filter @relaypost/bench client-install -- --base e4bc178
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchArgs } from "./lib/args";

const values = benchArgs({ base: { type: "string", default: "HEAD" } });
const repo = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "relaypost-client-install-"));

const run = (cwd: string, command: string, args: string[]) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function pack(root: string, into: string): string {
  run(root, "pnpm", ["--filter", "@relaypost/client", "build"]);
  run(root, "pnpm", ["--filter", "@relaypost/client", "pack", "--pack-destination", into]);
  const tarball = readdirSync(into).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`no tarball in ${into}`);
  return join(into, tarball);
}

const consumer = `import { createRelayPostClient, type SmtpCredential } from "@relaypost/client";
const client = createRelayPostClient({ url: "http://localhost:3000", apiKey: "rpkey_x" });
export async function rotate(id: string): Promise<SmtpCredential> {
  return (await client.smtpCredentials.regeneratePassword.mutate({ id })).credential;
}
`;

function measure(label: string, tarball: string) {
  const project = join(scratch, `consumer-${label}`);
  run(scratch, "mkdir", ["-p", project]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run(project, "npm", ["install", "--no-audit", "--no-fund", tarball, "typescript@5.9.3"]);
  const kib = (path: string) => Number(run(project, "du", ["-sk", path]).split("\t")[0]);
  writeFileSync(join(project, "index.ts"), consumer);
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { module: "nodenext", strict: true, noEmit: true, skipLibCheck: false, types: [] },
      files: ["index.ts"],
    }),
  );
  let errors = 0;
  try {
    run(project, "npx", ["tsc", "-p", "."]);
  } catch (error) {
    errors = String((error as { stdout?: string }).stdout ?? "")
      .split("\n")
      .filter((l) => l.includes("error TS")).length;
  }
  const packages = readdirSync(join(project, "node_modules")).filter(
    (name) => !name.startsWith(".") && name !== "typescript",
  );
  return {
    label,
    installedKiB: kib("node_modules") - kib("node_modules/typescript"),
    topLevelPackages: packages.join(" "),
    typeErrorsWithLibCheck: errors,
  };
}

try {
  const baseTree = join(scratch, "base");
  run(repo, "git", ["worktree", "add", "--detach", baseTree, values.base ?? "HEAD"]);
  try {
    run(baseTree, "pnpm", ["install", "--frozen-lockfile"]);
    const before = measure(`base ${values.base}`, pack(baseTree, join(scratch, "packed-base")));
    const after = measure("working tree", pack(repo, join(scratch, "packed-now")));
    console.table([before, after]);
    console.log(`installed size: ${(after.installedKiB / before.installedKiB).toFixed(2)}x the baseline`);
  } finally {
    run(repo, "git", ["worktree", "remove", "--force", baseTree]);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
