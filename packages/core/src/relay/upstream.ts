import type SMTPPool from "nodemailer/lib/smtp-pool";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { z } from "zod";

/** How the connection to the upstream is protected. */
export type UpstreamTls = "starttls" | "implicit" | "none";

export interface UpstreamSettings {
  host: string;
  port: number;
  tls: UpstreamTls;
  /** false accepts a self-signed certificate (development only). */
  tlsVerify: boolean;
  user: string | undefined;
}

const DEFAULT_PORTS: Record<string, number> = { "smtp:": 587, "smtps:": 465 };

const flag = (name: string) =>
  z.enum(["true", "false"], { error: `${name} must be true or false` }).transform((value) => value === "true");

const query = z
  .object({
    tls: z.literal("none", { error: "tls may only be none (a plaintext upstream)" }).optional(),
    tlsVerify: flag("tlsVerify").optional(),
  })
  .strict();

/** How a process uses its connections to one upstream. */
export interface ConnectionLimits {
  /** Connections open at once. */
  maxConnections: number;
  /**
   * Messages sent over one connection before it is closed and another opened. nodemailer's default is 100; each new
   * connection costs its TCP, TLS and greeting round trips, which the message waiting for it adds to its latency.
   */
  maxMessagesPerConnection: number;
}

/** Like Postfix (`smtp_connection_reuse_count_limit = 0`): a connection is kept for as long as the upstream keeps it. */
export const UNLIMITED_MESSAGES_PER_CONNECTION = Number.POSITIVE_INFINITY;

/**
 * The upstream (smarthost) every accepted message is handed to. The password stays in a private field: it reaches
 * nodemailer's options and nothing else, and serializing or printing the upstream shows only `description`.
 */
export class Upstream {
  readonly #password: string | undefined;

  constructor(
    readonly settings: UpstreamSettings,
    password: string | undefined,
  ) {
    this.#password = password;
  }

  /** Where mail goes, for the start-up log: never the password. */
  get description(): string {
    const { host, port, tls, user, tlsVerify } = this.settings;
    const protection = { starttls: "STARTTLS required", implicit: "implicit TLS", none: "plaintext" }[tls];
    const verify = tls !== "none" && !tlsVerify ? ", certificate not verified" : "";
    return `${user ? `${user}@` : ""}${host}:${port} (${protection}${verify})`;
  }

  /** nodemailer's options for one connection: where, how protected, with which login. */
  connectionOptions(): SMTPTransport.Options {
    const { host, port, tls, tlsVerify, user } = this.settings;
    return {
      host,
      port,
      secure: tls === "implicit",
      requireTLS: tls === "starttls",
      ignoreTLS: tls === "none",
      tls: { rejectUnauthorized: tlsVerify },
      auth: user === undefined ? undefined : { user, pass: this.#password ?? "" },
      logger: false,
    };
  }

  /** nodemailer's pooled SMTP transport options within `limits`. */
  transportOptions({ maxConnections, maxMessagesPerConnection }: ConnectionLimits): SMTPPool.Options {
    return { ...this.connectionOptions(), pool: true, maxConnections, maxMessages: maxMessagesPerConnection };
  }

  /**
   * `text` (an upstream's reply) without the password or its AUTH encodings: an upstream that echoes what it was
   * sent must not make a test connection's answer reveal the password.
   */
  redact(text: string): string {
    const password = this.#password;
    if (!password) return text;
    const forms = [
      password,
      Buffer.from(password).toString("base64"),
      Buffer.from(`\0${this.settings.user ?? ""}\0${password}`).toString("base64"),
    ];
    // Longest first: a shorter form can occur inside a longer one's encoding.
    return forms
      .sort((x, y) => y.length - x.length)
      .reduce((redacted, form) => redacted.split(form).join("[redacted]"), text);
  }

  toJSON(): string {
    return this.description;
  }

  toString(): string {
    return this.description;
  }
}

const fail = (ctx: z.RefinementCtx, message: string) => {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
};

/**
 * `RELAY_URL`: `smtp://user:pass@host:587` (STARTTLS required), `smtps://…` (implicit TLS), with `?tls=none` for a
 * plaintext upstream or `?tlsVerify=false` for a self-signed one. Messages name only the part that is wrong, never
 * the URL, which holds the password.
 */
export const relayUrlSchema = z.string().transform((value, ctx): Upstream => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(ctx, "RELAY_URL is not a URL; expected smtp://user:pass@host:587 or smtps://user:pass@host:465");
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined) return fail(ctx, "RELAY_URL must start with smtp:// or smtps://");
  if (!url.hostname) return fail(ctx, "RELAY_URL names no host");
  if (url.pathname !== "" && url.pathname !== "/") return fail(ctx, "RELAY_URL must not have a path");
  if (url.hash) return fail(ctx, "RELAY_URL must not have a fragment");
  const parsed = query.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const detail = issue?.code === "unrecognized_keys" ? `unknown parameter ${issue.keys.join(", ")}` : issue?.message;
    return fail(ctx, `RELAY_URL: ${detail}; only tls=none and tlsVerify=true|false are known`);
  }
  if (parsed.data.tls === "none" && url.protocol === "smtps:") {
    return fail(ctx, "RELAY_URL: tls=none contradicts smtps:// (implicit TLS)");
  }
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  if (password !== undefined && user === undefined) return fail(ctx, "RELAY_URL has a password but no user");
  const tls: UpstreamTls = parsed.data.tls === "none" ? "none" : url.protocol === "smtps:" ? "implicit" : "starttls";
  return new Upstream(
    {
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port ? Number(url.port) : defaultPort,
      tls,
      tlsVerify: parsed.data.tlsVerify ?? true,
      user,
    },
    password,
  );
});

/** Durations such as `24h`, `30m`, `90s`, `2d`, or a number of seconds (`RELAY_MAX_AGE`); in milliseconds. */
export const durationSchema = z
  .string()
  .regex(/^\d+(s|m|h|d)?$/, { error: "must be a number of seconds or end in s, m, h or d (24h)" })
  .transform((value) => {
    const unit = value.at(-1) ?? "s";
    const scale = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1_000;
    return Number.parseInt(value, 10) * scale;
  })
  .refine((ms) => ms > 0, { error: "must be more than zero" });
