import { randomBytes } from "node:crypto";
import { type Browser, expect, type Locator, type Page } from "@playwright/test";
import nodemailer from "nodemailer";

export const SCREENSHOTS = new URL("../test-results/screenshots/", import.meta.url).pathname;

const unique = () => randomBytes(4).toString("hex");

export interface Account {
  email: string;
  password: string;
  organization: string;
}

/** A browser context that may use the clipboard, as a person copying a password would. */
export async function newPage(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  return context.newPage();
}

export async function signUp(page: Page, organization = `Acme ${unique()}`): Promise<Account> {
  const account = { email: `admin-${unique()}@example.com`, password: `pw-${unique()}-${unique()}`, organization };
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Ada Admin");
  await page.getByLabel("Work email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("Organization name").fill(organization);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "SMTP Credentials", exact: true })).toBeVisible();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  return account;
}

export async function signIn(page: Page, account: Pick<Account, "email" | "password">) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "SMTP Credentials", exact: true })).toBeVisible();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
}

export const row = (page: Page, username: string): Locator =>
  page.locator(`[data-testid="credential-row"][data-username="${username}"]`);

/** Turns a credential off from its row, through the confirmation that names what stops. */
export async function deactivate(page: Page, username: string) {
  await row(page, username)
    .getByRole("button", { name: `Deactivate ${username}`, exact: true })
    .click();
  const confirm = page.getByRole("dialog", { name: `Deactivate ${username}?` });
  await confirm.getByRole("button", { name: "Deactivate credential" }).click();
  await expect(confirm).toBeHidden();
}

/** Copies the one-time password with the reveal dialog's button and reads it back from the clipboard. */
export async function copyRevealedPassword(
  page: Page,
  smtpPort = process.env.E2E_SMTP_PORT,
): Promise<{ username: string; password: string }> {
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("You will not see it again.")).toBeVisible();
  const username = (await dialog.getByTestId("revealed-username").textContent())?.trim() ?? "";
  // The settings to paste name the port this server really listens on, not a default.
  await expect(dialog.getByTestId("revealed-port")).toHaveText(smtpPort ?? "");
  await dialog.getByRole("button", { name: "Copy" }).click();
  await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
  const password = await page.evaluate(() => navigator.clipboard.readText());
  expect(password).toMatch(/^rpsmtp_/);
  await dialog.getByRole("button", { name: "I've saved the password" }).click();
  await expect(dialog).toBeHidden();
  return { username, password };
}

/** `smtpPort`: the port of the server the page is on, when it is not the shared one. */
export async function createCredential(
  page: Page,
  input: { username?: string; description?: string; smtpPort?: number } = {},
) {
  await page.getByRole("button", { name: "Create credential" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create SMTP credential" });
  if (input.username) await dialog.getByLabel("Username").fill(input.username);
  if (input.description) await dialog.getByLabel("Description").fill(input.description);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  return copyRevealedPassword(page, input.smtpPort === undefined ? undefined : String(input.smtpPort));
}

export type SmtpResult = { ok: true } | { ok: false; code: number | undefined; message: string };

/** A real SMTP login with Nodemailer: STARTTLS when offered (self-signed in development), then AUTH. */
export async function smtpLogin(username: string, password: string): Promise<SmtpResult> {
  const transport = nodemailer.createTransport({
    host: process.env.E2E_SMTP_HOST ?? "127.0.0.1",
    port: Number(process.env.E2E_SMTP_PORT),
    secure: false,
    auth: { user: username, pass: password },
    tls: { rejectUnauthorized: false },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
  try {
    await transport.verify();
    return { ok: true };
  } catch (error) {
    const e = error as { responseCode?: number; message?: string };
    return { ok: false, code: e.responseCode, message: e.message ?? String(error) };
  } finally {
    transport.close();
  }
}

export interface Mail {
  to?: string | string[];
  subject?: string;
  /** Another server's SMTP port than the shared one's. */
  port?: number;
}

/** Sends one message as an application would: Nodemailer, STARTTLS (self-signed in development), AUTH. */
export async function sendMail(username: string, password: string, mail: Mail = {}) {
  const transport = nodemailer.createTransport({
    host: process.env.E2E_SMTP_HOST ?? "127.0.0.1",
    port: mail.port ?? Number(process.env.E2E_SMTP_PORT),
    secure: false,
    auth: { user: username, pass: password },
    tls: { rejectUnauthorized: false },
  });
  try {
    return await transport.sendMail({
      from: "app@example.com",
      to: mail.to ?? "someone@example.net",
      subject: mail.subject ?? "Hello from the e2e suite",
      text: "It works.",
    });
  } finally {
    transport.close();
  }
}

/** Sends one message per subject over a single pooled connection (one login), in order. */
export async function sendMails(username: string, password: string, subjects: string[]) {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host: process.env.E2E_SMTP_HOST ?? "127.0.0.1",
    port: Number(process.env.E2E_SMTP_PORT),
    secure: false,
    auth: { user: username, pass: password },
    tls: { rejectUnauthorized: false },
  });
  try {
    for (const subject of subjects) {
      await transport.sendMail({ from: "app@example.com", to: "someone@example.net", subject, text: "Hello." });
    }
  } finally {
    transport.close();
  }
}

/** An invitation link to `page`'s organization, made on its Members page, for `role`. */
export async function invitationLink(page: Page, role: "admin" | "viewer"): Promise<string> {
  await page.getByRole("link", { name: "Members" }).click();
  await page.getByRole("button", { name: "Invite by link" }).click();
  const invite = page.getByRole("dialog", { name: "Invite by link" });
  await invite.getByLabel("Role").selectOption(role);
  await invite.getByRole("button", { name: "Create link" }).click();
  const link = await invite.getByTestId("invitation-link").inputValue();
  await invite.getByRole("button", { name: "Done" }).click();
  return link;
}

/** Saves a screenshot of a main screen for CI artifacts; one-time secrets are masked. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({
    path: `${SCREENSHOTS}${name}.png`,
    mask: [page.locator(".secret-value")],
    animations: "disabled",
  });
}
