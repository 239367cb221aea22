import { describe, expect, it } from "vitest";
import { createLogger, describeFault, faultLogger } from "./log";

/** The real logger, writing into memory: what a collector reading standard output would receive. */
function capture() {
  const written: string[] = [];
  const log = createLogger({
    format: "json",
    level: "info",
    destination: { write: (line: string) => void written.push(line) },
  });
  return { log, text: () => written.join("") };
}

const SECRETS = {
  password: "p4ssword-value-1",
  newPassword: "p4ssword-value-2",
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$ZGlnZXN0",
  token: "rp_live_token_value",
  secret: "whsec_secret_value",
  authorization: "Bearer bearer-token-value",
  cookie: "relaypost_session=session-token-value",
};

describe("log lines", () => {
  // pino censors before any formatting, so the pretty format (a formatter of these lines) gets them censored too.
  it("censor secret-named fields at the top level and two levels down", () => {
    const { log, text } = capture();
    log.info({ ...SECRETS, input: { ...SECRETS }, req: { headers: { ...SECRETS } } }, "a careless line");
    expect(text()).toContain("a careless line");
    for (const value of Object.values(SECRETS)) expect(text()).not.toContain(value);
    expect(text()).toContain("[redacted]");
  });

  it("are one JSON object per line with a level, a time and the service", () => {
    const { log, text } = capture();
    log.warn({ username: "app_one" }, "first");
    log.info({}, "second");
    const lines = text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ level, msg, service, username }) => ({ level, msg, service, username }))).toEqual([
      { level: 40, msg: "first", service: "relaypost", username: "app_one" },
      { level: 30, msg: "second", service: "relaypost", username: undefined },
    ]);
    expect(lines.every((line) => typeof line.time === "number")).toBe(true);
  });

  it("write a fault's root cause and code only, never the query parameters its wrapper carries", () => {
    const { log, text } = capture();
    const cause = Object.assign(new Error("duplicate key value"), { code: "23505" });
    const wrapper = Object.assign(new Error(`Failed query: insert … params: ${SECRETS.passwordHash}`), { cause });
    faultLogger(log)("trpc smtpCredentials.create", wrapper);
    const line = JSON.parse(text()) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 50,
      where: "trpc smtpCredentials.create",
      fault: { message: "duplicate key value", code: "23505" },
    });
    // Exactly the cause's words: not pino's error shape (type, stack), which a plain object would be given as `err`.
    expect(line.fault).toEqual({ message: "duplicate key value", code: "23505" });
    expect(text()).not.toContain(SECRETS.passwordHash);
    expect(describeFault("a string")).toEqual({ message: "a string" });
    const counted: string[] = [];
    faultLogger(log, (where) => counted.push(where))("rest smtpCredentials.list", new Error("down"));
    expect(counted).toEqual(["rest smtpCredentials.list"]);
  });
});
