// Initializes a new PGlite data directory (initdb) and exits: `node initialize.mjs <dataDir> <options as JSON>`.
// Run as a process of its own by ./worker.mjs: initdb grows PGlite's WebAssembly memory by about 150 MB that neither
// the instance nor a thread that ran it hands back, so the instance that then serves starts from a small heap.
import { PGlite } from "@electric-sql/pglite";

const [dataDir, options] = process.argv.slice(2);
const pg = await PGlite.create(dataDir, JSON.parse(options));
await pg.close();
