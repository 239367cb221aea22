import {
  DEFAULT_SMTP_PORT,
  USERNAME_FORBIDDEN_CHARACTER,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
  USERNAME_RULES,
} from "@relaypost/contract";
import type { Outputs } from "./api";

type SmtpEndpoint = Outputs["smtpCredentials"]["connectionSettings"];

/** STARTTLS on the submission port (always there), or implicit TLS on its own port when the server has one. */
export type TlsMode = "starttls" | "implicit";

export interface SmtpSettings {
  host: string;
  port: number;
  implicitTlsPort: number | null;
  /** The security the server requires, in words. */
  security: string;
}

/**
 * What an application needs besides its username and password, as the server reports its listeners. The host is
 * the operator's SMTP_HOST, else the dashboard's own; until the answer arrives the documented defaults show.
 */
export const smtpSettings = (endpoint: SmtpEndpoint | undefined): SmtpSettings => ({
  host: endpoint?.host ?? location.hostname,
  port: endpoint?.port ?? DEFAULT_SMTP_PORT,
  implicitTlsPort: endpoint?.implicitTlsPort ?? null,
  security: endpoint?.implicitTlsPort
    ? `STARTTLS (required before AUTH), or implicit TLS on port ${endpoint.implicitTlsPort}`
    : "STARTTLS (required before AUTH)",
});

/** One way for an application to connect: where, how secured, as whom. */
export interface SmtpConnection {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
}

export const connectionFor = (settings: SmtpSettings, tls: TlsMode, username: string): SmtpConnection => ({
  host: settings.host,
  port: tls === "implicit" && settings.implicitTlsPort !== null ? settings.implicitTlsPort : settings.port,
  tls: settings.implicitTlsPort === null ? "starttls" : tls,
  username,
});

/** Where every snippet takes the password from: it is never in one (it is shown only once, when made). */
export const PASSWORD_VARIABLE = "SMTP_PASSWORD";
export const PASSWORD_PLACEHOLDER = "<your password>";

export const SNIPPET_KINDS = ["env", "nodemailer", "rails", "django", "smtplib", "phpmailer"] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];

export const SNIPPET_LABELS: Record<SnippetKind, string> = {
  env: ".env",
  nodemailer: "Nodemailer",
  rails: "Rails ActionMailer",
  django: "Django",
  smtplib: "Python smtplib",
  phpmailer: "PHPMailer",
};

/** A string literal for JavaScript, Ruby and Python alike (hosts and usernames need no more than this). */
const quoted = (value: string) => JSON.stringify(value);
const phpQuoted = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

const RENDER: Record<SnippetKind, (c: SmtpConnection) => string> = {
  env: (c) =>
    [
      `SMTP_HOST=${c.host}`,
      `SMTP_PORT=${c.port}`,
      `# ${c.tls === "implicit" ? "Implicit TLS" : "STARTTLS, required before AUTH"}`,
      `SMTP_SECURE=${c.tls === "implicit"}`,
      `SMTP_USERNAME=${c.username}`,
      `${PASSWORD_VARIABLE}=${PASSWORD_PLACEHOLDER}`,
    ].join("\n"),
  nodemailer: (c) =>
    [
      `import nodemailer from "nodemailer";`,
      "",
      "const transport = nodemailer.createTransport({",
      `  host: ${quoted(c.host)},`,
      `  port: ${c.port},`,
      c.tls === "implicit" ? "  secure: true, // implicit TLS" : "  secure: false,\n  requireTLS: true, // STARTTLS",
      `  auth: { user: ${quoted(c.username)}, pass: process.env.${PASSWORD_VARIABLE} },`,
      "});",
    ].join("\n"),
  rails: (c) =>
    [
      "config.action_mailer.delivery_method = :smtp",
      "config.action_mailer.smtp_settings = {",
      `  address: ${quoted(c.host)},`,
      `  port: ${c.port},`,
      `  user_name: ${quoted(c.username)},`,
      `  password: ENV[${quoted(PASSWORD_VARIABLE)}],`,
      "  authentication: :plain,",
      c.tls === "implicit" ? "  tls: true," : "  enable_starttls: true,",
      "}",
    ].join("\n"),
  django: (c) =>
    [
      "import os",
      "",
      `EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"`,
      `EMAIL_HOST = ${quoted(c.host)}`,
      `EMAIL_PORT = ${c.port}`,
      c.tls === "implicit" ? "EMAIL_USE_SSL = True" : "EMAIL_USE_TLS = True",
      `EMAIL_HOST_USER = ${quoted(c.username)}`,
      `EMAIL_HOST_PASSWORD = os.environ[${quoted(PASSWORD_VARIABLE)}]`,
    ].join("\n"),
  smtplib: (c) =>
    [
      "import os",
      "import smtplib",
      "from email.message import EmailMessage",
      "",
      "message = EmailMessage()",
      `message["From"] = "app@example.com"`,
      `message["To"] = "someone@example.com"`,
      `message["Subject"] = "Hello"`,
      `message.set_content("Sent through RelayPost.")`,
      "",
      c.tls === "implicit"
        ? `with smtplib.SMTP_SSL(${quoted(c.host)}, ${c.port}) as smtp:`
        : `with smtplib.SMTP(${quoted(c.host)}, ${c.port}) as smtp:\n    smtp.starttls()`,
      `    smtp.login(${quoted(c.username)}, os.environ[${quoted(PASSWORD_VARIABLE)}])`,
      "    smtp.send_message(message)",
    ].join("\n"),
  phpmailer: (c) =>
    [
      "use PHPMailer\\PHPMailer\\PHPMailer;",
      "",
      "$mail = new PHPMailer(true);",
      "$mail->isSMTP();",
      `$mail->Host = ${phpQuoted(c.host)};`,
      `$mail->Port = ${c.port};`,
      `$mail->SMTPSecure = PHPMailer::${c.tls === "implicit" ? "ENCRYPTION_SMTPS" : "ENCRYPTION_STARTTLS"};`,
      "$mail->SMTPAuth = true;",
      `$mail->Username = ${phpQuoted(c.username)};`,
      `$mail->Password = getenv(${phpQuoted(PASSWORD_VARIABLE)});`,
    ].join("\n"),
};

/** Ready-to-paste settings for one library; they read the password from SMTP_PASSWORD and never contain it. */
export const snippet = (kind: SnippetKind, connection: SmtpConnection): string => RENDER[kind](connection);

/** The first rule a typed username breaks, in words, or null when it is valid (or blank: then one is generated). */
export function usernameProblem(value: string): string | null {
  const username = value.trim();
  if (username === "") return null;
  if (USERNAME_FORBIDDEN_CHARACTER.test(username)) return "Use only letters, numbers and underscores";
  if (username.length < USERNAME_MIN_LENGTH) {
    return `At least ${USERNAME_MIN_LENGTH} characters (${USERNAME_MIN_LENGTH - username.length} more)`;
  }
  if (username.length > USERNAME_MAX_LENGTH) {
    return `At most ${USERNAME_MAX_LENGTH} characters (${username.length - USERNAME_MAX_LENGTH} too many)`;
  }
  return USERNAME_PATTERN.test(username) ? null : `Use ${USERNAME_RULES}`;
}
