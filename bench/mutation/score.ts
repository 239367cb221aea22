import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Adds up the Stryker reports under reports/mutation (one per slice, or one of a full run): the score per package
 * and overall, then every surviving and uncovered mutant. `pnpm mutation:score`; `--survivors` lists them.
 */
interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

const root = "reports/mutation";
const reports = existsSync(root)
  ? readdirSync(root)
      .map((dir) => join(root, dir, "report.json"))
      .filter((file) => existsSync(file))
  : [];
if (reports.length === 0) throw new Error(`no report under ${root}: run pnpm mutation first`);

const STATUSES = ["Killed", "Timeout", "Survived", "NoCoverage", "Ignored", "RuntimeError", "CompileError"] as const;
const tally = new Map<string, Record<string, number>>();
const left: string[] = [];
const files = new Set<string>();
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, "utf8")) as Report;
  const slice = `slice ${file.split("/").at(-2)}`;
  for (const [name, { source, mutants }] of Object.entries(report.files)) {
    files.add(name);
    const pkg = name.split("/").slice(0, 2).join("/");
    for (const key of [slice, pkg, "overall"]) {
      const counts = tally.get(key) ?? Object.fromEntries(STATUSES.map((s) => [s, 0]));
      for (const mutant of mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
      tally.set(key, counts);
    }
    const lines = source.split("\n");
    for (const mutant of mutants) {
      if (mutant.status !== "Survived" && mutant.status !== "NoCoverage") continue;
      const { line } = mutant.location.start;
      const replacement = (mutant.replacement ?? "").replace(/\s+/g, " ").slice(0, 80);
      const code = (lines[line - 1] ?? "").trim().slice(0, 90);
      left.push(`${mutant.status}\t${name}:${line}\t${mutant.mutatorName}\t${replacement}\t| ${code}`);
    }
  }
}

console.log(`reports: ${reports.join(", ")}`);
console.log(`files: ${[...files].sort().join(", ")}`);
console.log(["scope", ...STATUSES, "score %"].join("\t"));
for (const [scope, c] of tally) {
  const detected = (c.Killed ?? 0) + (c.Timeout ?? 0);
  const valid = detected + (c.Survived ?? 0) + (c.NoCoverage ?? 0);
  console.log([scope, ...STATUSES.map((s) => c[s] ?? 0), ((100 * detected) / valid).toFixed(2)].join("\t"));
}
if (process.argv.includes("--survivors")) for (const line of left.sort()) console.log(line);
