import { connect } from "node:net";
import { type Core, systemActor } from "@relaypost/core";

/** The AUTH reply's code (0 when the connection failed before one arrived) and how long the whole login took. */
export interface Attempt {
  code: number;
  ms: number;
  /** performance.now() when the AUTH reply arrived. */
  at: number;
}

/**
 * One plaintext SMTP session from a chosen loopback source address: greeting, EHLO, AUTH PLAIN, then closed. The
 * source address is what the server's per-address throttle sees, so a guesser and an application can be told apart.
 */
export function smtpLoginFrom(port: number, localAddress: string, username: string, password: string) {
  const started = performance.now();
  return new Promise<Attempt>((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    const script = ["EHLO bench.example", `AUTH PLAIN ${Buffer.from(`\0${username}\0${password}`).toString("base64")}`];
    let buffer = "";
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      const at = performance.now();
      resolve({ code, ms: at - started, at });
      socket.destroy();
    };
    socket.setEncoding("latin1");
    socket.setNoDelay(true);
    socket.on("error", () => finish(0));
    socket.on("close", () => finish(0));
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let m = /^(\d{3}) .*\r\n/m.exec(buffer); m; m = /^(\d{3}) .*\r\n/m.exec(buffer)) {
        buffer = buffer.slice(m.index + m[0].length);
        const code = Number(m[1]);
        const next = script.shift();
        if (code >= 400 || !next) return finish(code);
        socket.write(`${next}\r\n`);
      }
    });
  });
}

/** An organization with credentials and a viewer API key, made through core against the server's database. */
export async function seedOrganization(core: Core, name: string, credentials: number) {
  const { organization } = await core.organizations.create({
    name,
    owner: {
      email: `${name.toLowerCase().replace(/\W+/g, "-")}-${crypto.randomUUID()}@example.com`,
      password: "bench-password",
    },
  });
  const scope = { organizationId: organization.id, actor: systemActor("bench") };
  const admin = await core.apiKeys.create(organization.id, scope.actor, { name: "bench admin", role: "admin" });
  const viewer = await core.apiKeys.create(organization.id, scope.actor, { name: "bench viewer", role: "viewer" });
  const created = [];
  for (let i = 0; i < credentials; i++) {
    const { credential, password } = await core.smtpCredentials.create(scope, {});
    created.push({ id: credential.id, username: credential.username, password });
  }
  return { organization, scope, adminKey: admin.token, viewerKey: viewer.token, credentials: created };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts of each value, e.g. reply codes: `{ 235: 120, 454: 30 }`. */
export function tally(values: Array<number | string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}
