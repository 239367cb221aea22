// The published declarations include the API's, the contract's, core's and db's (the router's types are built from them), emitted
// by tsc beside the client's. Their imports of @relaypost/* name workspace packages a consumer does not have; this
// points them at the emitted files instead, and gives relative imports the explicit `.js` that Node's ESM
// resolution (moduleResolution node16/nodenext in a consumer) requires.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const root = new URL("../dist/types", import.meta.url).pathname;
const targets = {
  "@relaypost/api": "packages/api/src/index",
  "@relaypost/contract": "packages/contract/src/index",
  "@relaypost/core": "packages/core/src/index",
  "@relaypost/db": "packages/db/src/index",
  "@relaypost/db/schema": "packages/db/src/schema/index",
};

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (path.endsWith(".d.ts")) yield path;
  }
}

for (const file of files(root)) {
  const text = readFileSync(file, "utf8");
  const linked = text.replace(/(from |import\()(["'])([^"']+)\2/g, (match, lead, quote, specifier) => {
    const target = targets[specifier];
    if (target) {
      const path = relative(dirname(file), join(root, target));
      return `${lead}${quote}${path.startsWith(".") ? path : `./${path}`}.js${quote}`;
    }
    if (!specifier.startsWith(".") || specifier.endsWith(".js")) return match;
    const absolute = join(dirname(file), specifier);
    const resolved = existsSync(`${absolute}.d.ts`) ? `${specifier}.js` : `${specifier.replace(/\/$/, "")}/index.js`;
    return `${lead}${quote}${resolved}${quote}`;
  });
  if (linked !== text) writeFileSync(file, linked);
}
