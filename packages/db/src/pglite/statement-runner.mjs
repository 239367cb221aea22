// How RelayPost runs a query on a PGlite instance; used by the PGlite thread (./worker.mjs). Plain JavaScript, as
// the worker is: it loads outside the TypeScript loaders.
import { parse, protocol } from "@electric-sql/pglite";

/** Prepared statements kept per connection; the least recently used is closed beyond this. */
const MAX_STATEMENTS = 200;

const { serialize } = protocol;
const keepText = (value) => value;

export function createStatementRunner(pg) {
  /** SQL text → { name, paramTypes }, least recently used first. */
  const statements = new Map();
  /** Statements to close, sent with the next Parse (closing is not worth a round trip of its own). */
  let toClose = [];
  let statementCount = 0;
  const parserSets = new Map();

  /**
   * PGlite's own `query` sends Parse, Describe, Bind, Describe, Execute and Sync as six calls into WebAssembly and
   * plans the statement every time. Here each statement is parsed once under a name, and a query is then one call:
   * Bind, Describe, Execute, Sync. Results are read exactly as PGlite's `query` reads them (`parseResults`).
   */
  async function query(sql, params, rowMode, textTypes) {
    let messages;
    try {
      messages = await execute(await prepare(sql), params);
    } catch (error) {
      if (!isStale(error)) throw error;
      // The statement was prepared before a schema change. Outside a transaction nothing was lost: prepare it again,
      // as PGlite's `query` would have. Inside one, the transaction is already aborted and the caller must retry.
      forget(sql);
      if (pg.isInTransaction()) throw error;
      messages = await execute(await prepare(sql), params);
    }
    // Outside a transaction, PGlite's `query` writes changed pages through to the data directory; so does this.
    if (messages.at(-1)?.status === "I") await pg.syncToFs();
    const [results] = parse.parseResults(messages, parsersKeepingText(textTypes), { rowMode });
    return { rows: results.rows, fields: results.fields, affectedRows: results.affectedRows };
  }

  async function execute(statement, params) {
    const values = params.map((value, i) => serializeParam(value, statement.paramTypes[i]));
    const { messages } = await pg.execProtocol(
      concat(
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      ),
      { syncToFs: false },
    );
    return messages;
  }

  async function prepare(sql) {
    const known = statements.get(sql);
    if (known) {
      statements.delete(sql);
      statements.set(sql, known);
      return known;
    }
    const name = `relaypost_${statementCount++}`;
    const closing = toClose.map((old) => serialize.close({ type: "S", name: old }));
    toClose = [];
    const { messages } = await pg.execProtocol(
      concat(
        ...closing,
        serialize.parse({ name, text: sql }),
        serialize.describe({ type: "S", name }),
        serialize.sync(),
      ),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(sql, statement);
    if (statements.size > MAX_STATEMENTS) forget(statements.keys().next().value);
    return statement;
  }

  /**
   * PGlite's parsers, except that columns of these types stay text: the caller's parsers are functions, which cannot
   * cross threads, so the caller applies them. Kept per set of types, because `parseResults` given parsers of its own
   * copies all of PGlite's (some 300) on every query, which was a fifth of the time of a small query.
   */
  function parsersKeepingText(textTypes) {
    const key = textTypes.join(",");
    let parsers = parserSets.get(key);
    if (!parsers) {
      parsers = { ...pg.parsers, ...Object.fromEntries(textTypes.map((oid) => [oid, keepText])) };
      parserSets.set(key, parsers);
    }
    return parsers;
  }

  function forget(sql) {
    const statement = statements.get(sql);
    if (!statement) return;
    statements.delete(sql);
    toClose.push(statement.name);
  }

  /** As PGlite's `query` does: the type's serializer, else the value's text. */
  function serializeParam(value, oid) {
    if (value === null || value === undefined) return null;
    const serializer = pg.serializers[oid];
    return serializer ? serializer(value) : value.toString();
  }

  return { query };
}

/** "cached plan must not change result type", or the statement is gone. */
const isStale = (error) => error?.code === "0A000" || error?.code === "26000";

/** An error as plain data: a structured clone would keep the message but drop SQLSTATE `code`, `constraint` etc. */
export function describeError(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = { message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === "string" || typeof value === "number") fields[key] = value;
  }
  return fields;
}

function concat(...parts) {
  const message = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  return message;
}
