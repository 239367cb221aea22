import { type ResourceLimits, Worker } from "node:worker_threads";
import type { ParserOptions, QueryOptions, Results } from "@electric-sql/pglite";

type Row = Record<string, unknown> | unknown[];

/** What the worker (./worker.mjs) answers: a query's results, an error as plain fields, or a NOTIFY. */
type Reply =
  | { type: "result"; id: number; value: Results<Row> }
  | { type: "error"; id: number; error: { message: string } & Record<string, string | number> }
  | { type: "notification"; channel: string; payload: string };

interface Pending {
  resolve(value: Results<Row>): void;
  reject(error: Error): void;
}

/** The part of the client a transaction callback receives: queries that run inside that transaction. */
export interface ThreadedTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
}

/**
 * PGlite run on a worker thread, behind the part of PGlite's client that drizzle and RelayPost use (`query`,
 * `transaction`, `listen`, `close`). PGlite executes SQL synchronously inside WebAssembly; on the server's own thread
 * that time is taken from every SMTP session and HTTP request (a quarter of the event loop under a login storm,
 * profiled), while on its own thread it runs beside them and only the results are handed back.
 */
export class ThreadedPglite {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  #nextId = 0;
  #queries = 0;
  #transactionQueue: Promise<void> = Promise.resolve();
  /** The transaction holding the database; other queries wait for it, as they would on PGlite's single session. */
  #transaction: Promise<void> | undefined;
  #failure: Error | undefined;
  #closing = false;
  #onLost: (error: Error) => void = () => {};
  /**
   * Settles if the thread dies other than by `close` (out of memory, a crash): the database is gone for good, every
   * query from then on fails, and whoever owns the process should stop it rather than serve without a database.
   */
  readonly lost: Promise<Error> = new Promise((resolve) => {
    this.#onLost = resolve;
  });

  constructor(dataDir: string | undefined, options: { resourceLimits?: ResourceLimits } = {}) {
    this.#worker = new Worker(new URL("./worker.mjs", import.meta.url), {
      workerData: { dataDir },
      resourceLimits: options.resourceLimits,
    });
    // Idle, the thread must not keep the process alive; `#send` holds a reference while answers are awaited.
    this.#worker.unref();
    this.#worker.on("message", (reply: Reply) => this.#receive(reply));
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`The PGlite thread exited (code ${code})`)));
  }

  /** Statements sent to the thread so far (the metrics' query count). */
  get queries(): number {
    return this.#queries;
  }

  async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    while (this.#transaction) await this.#transaction;
    return this.#query<T>(sql, params, options);
  }

  async transaction<T>(callback: (tx: ThreadedTransaction) => Promise<T>): Promise<T> {
    const previous = this.#transactionQueue;
    let finish = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#transactionQueue = previous.then(() => finished);
    await previous;
    this.#transaction = finished;
    try {
      await this.#query("BEGIN");
      let result: T;
      try {
        result = await callback({ query: (sql, params, options) => this.#query(sql, params, options) });
      } catch (error) {
        await this.#query("ROLLBACK").catch(() => {});
        throw error;
      }
      await this.#query("COMMIT");
      return result;
    } finally {
      this.#transaction = undefined;
      finish();
    }
  }

  async listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>> {
    let callbacks = this.#listeners.get(channel);
    if (!callbacks) {
      callbacks = new Set();
      this.#listeners.set(channel, callbacks);
    }
    callbacks.add(callback);
    await this.query(`LISTEN ${channel}`);
    return async () => {
      callbacks.delete(callback);
      if (callbacks.size > 0 || this.#listeners.get(channel) !== callbacks) return;
      this.#listeners.delete(channel);
      await this.query(`UNLISTEN ${channel}`);
    };
  }

  async close(): Promise<void> {
    if (this.#failure) return;
    this.#closing = true;
    await this.#send({ type: "close" });
    await this.#worker.terminate();
  }

  async #query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    const parsers = options.parsers ?? {};
    const textTypes = Object.keys(parsers).map(Number);
    this.#queries++;
    const results = await this.#send({ type: "query", sql, params, rowMode: options.rowMode, textTypes });
    if (textTypes.length > 0) applyParsers(results, parsers);
    return results as Results<T>;
  }

  #send(request: Record<string, unknown>): Promise<Results<Row>> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#worker.ref();
    this.#worker.postMessage({ ...request, id });
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  #receive(reply: Reply): void {
    if (reply.type === "notification") {
      for (const callback of this.#listeners.get(reply.channel) ?? []) callback(reply.payload);
      return;
    }
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.type === "result") pending.resolve(reply.value);
    else pending.reject(Object.assign(new Error(reply.error.message), reply.error));
  }

  #fail(error: Error): void {
    if (!this.#failure && !this.#closing) this.#onLost(error);
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** Applies the caller's parsers to the columns the thread left as text (statement-runner.mjs). */
function applyParsers(results: Results<Row>, parsers: ParserOptions): void {
  results.fields.forEach((field, index) => {
    const parse = parsers[field.dataTypeID];
    if (!parse) return;
    for (const row of results.rows) {
      const key = Array.isArray(row) ? index : field.name;
      const record = row as Record<string | number, unknown>;
      const value = record[key];
      if (typeof value === "string") record[key] = parse(value);
    }
  });
}
