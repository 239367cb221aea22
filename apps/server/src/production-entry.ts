import { threadpoolSize } from "./threadpool";

// Built as dist/main.cjs, the production entry. libuv reads UV_THREADPOOL_SIZE once, when its pool first starts;
// CommonJS modules are read synchronously, so here the pool has not started and setting the variable still counts,
// without the second process that src/main.ts needs under tsx. The server itself is the ESM bundle beside this file.
process.env.UV_THREADPOOL_SIZE ??= String(threadpoolSize());
void import("./main.js");
