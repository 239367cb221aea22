import { readFileSync } from "node:fs";
import { appRouter } from "@relaypost/api";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("the client's README", () => {
  it("names every procedure of the API by its full path", () => {
    const procedures = Object.keys(appRouter._def.procedures);
    expect(procedures.length).toBeGreaterThan(40);
    expect(procedures.filter((path) => !readme.includes(`\`${path}\``))).toEqual([]);
  });
});
