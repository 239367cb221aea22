import { createInterface } from "node:readline";
import { Writable } from "node:stream";

/** Thrown when no usable secret arrived; the CLI reports it as a usage error. */
export class SecretInputError extends Error {}

/**
 * A secret for the CLI, never from argv (which `ps` shows every user and shells keep in history): from the named
 * environment variable when set, otherwise the first line of standard input, typed without echo on a terminal.
 */
export async function readSecret(envName: string, prompt: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined) {
    if (fromEnv === "") throw new SecretInputError(`${envName} is set but empty`);
    return fromEnv;
  }
  const line = process.stdin.isTTY ? await promptWithoutEcho(prompt) : await firstLine();
  if (!line)
    throw new SecretInputError(`No ${prompt.toLowerCase()} given: set ${envName} or write it to standard input`);
  return line;
}

async function firstLine(): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

/** readline echoes what it reads to its output; a sink swallows the echo while the prompt goes to stderr. */
function promptWithoutEcho(prompt: string): Promise<string | undefined> {
  process.stderr.write(`${prompt}: `);
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input: process.stdin, output: sink, terminal: true });
  return new Promise((resolve) => {
    let answer: string | undefined;
    lines.once("line", (line) => {
      answer = line;
      lines.close();
    });
    lines.once("SIGINT", () => lines.close());
    lines.once("close", () => {
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}
