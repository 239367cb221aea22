import { connect } from "node:net";
import { formatSmtpPassword, parseSmtpPassword } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";

const THROTTLE = { delayAfter: 2, blockAfter: 5, baseDelayMs: 10, maxDelayMs: 40 };
const GUESSES = 40;

/** One login on its own connection from `localAddress`: greeting, EHLO, AUTH PLAIN; the AUTH reply's code. */
function loginFrom(port: number, localAddress: string, username: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    const auth = Buffer.from(`\0${username}\0${password}`).toString("base64");
    const script = ["EHLO app.example", `AUTH PLAIN ${auth}`];
    let buffer = "";
    socket.setEncoding("latin1");
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let match = /^(\d{3}) .*\r\n/m.exec(buffer); match; match = /^(\d{3}) .*\r\n/m.exec(buffer)) {
        buffer = buffer.slice(match.index + match[0].length);
        const next = script.shift();
        if (next) socket.write(`${next}\r\n`);
        else {
          resolve(Number(match[1]));
          socket.destroy();
          return;
        }
      }
    });
  });
}

describe("a password guesser against one credential", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: THROTTLE });
  });
  afterAll(() => h.close());

  it("is cut off after a few failures while the application on another address keeps logging in", async () => {
    const credential = await h.createCredential("brute_target");
    const lookupId = parseSmtpPassword(credential.password)?.lookupId ?? "";
    const guesser: number[] = [];
    const legit: number[] = [];
    for (let n = 0; n < GUESSES; n++) {
      // The worst case: the guesser knows the username and the lookup id, so every guess is well-formed.
      const [guess, app] = await Promise.all([
        loginFrom(h.service.port, "127.0.0.1", credential.username, formatSmtpPassword(lookupId)),
        loginFrom(h.service.port, "127.0.0.2", credential.username, credential.password),
      ]);
      guesser.push(guess);
      legit.push(app);
    }
    // Failures up to the limit reach the verifier; every later attempt is refused before any hashing.
    expect(guesser).toEqual([
      ...Array<number>(THROTTLE.blockAfter).fill(535),
      ...Array<number>(GUESSES - THROTTLE.blockAfter).fill(421),
    ]);
    expect(legit).toEqual(Array<number>(GUESSES).fill(235));

    h.runtime.refusals.flush();
    const events = (await h.events()).filter((e) => e.credentialId === credential.id);
    const rejected = events.filter((e) => e.type === "auth.rejected");
    // Each failure that reached the verifier is an event; the first 421 is one and the rest are counted into one.
    expect(rejected.map((e) => [e.data.reason, e.data.count ?? 1])).toEqual([
      ...Array.from({ length: THROTTLE.blockAfter }, () => ["bad_password", 1]),
      ["throttled", 1],
      ["throttled", GUESSES - THROTTLE.blockAfter - 1],
    ]);
    expect(new Set(rejected.map((e) => e.remoteAddress))).toEqual(new Set(["127.0.0.1"]));
    const succeeded = events.filter((e) => e.type === "auth.succeeded");
    expect(succeeded).toHaveLength(GUESSES);
    expect(new Set(succeeded.map((e) => e.remoteAddress))).toEqual(new Set(["127.0.0.2"]));
  });
});
