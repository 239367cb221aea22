import { type Browser, expect, type Page, test } from "@playwright/test";
import {
  copyRevealedPassword,
  createCredential,
  invitationLink,
  row,
  screenshot,
  sendMail,
  signUp,
  smtpLogin,
} from "./support";

const DAY_MS = 24 * 3600 * 1000;

/** A browser in UTC, so the expiry typed into `datetime-local` reads the same here as in the page. */
async function utcPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId: "UTC" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  return context.newPage();
}

async function openCredential(page: Page, username: string) {
  await row(page, username).getByRole("link", { name: username }).click();
  await expect(page.getByRole("heading", { level: 1, name: username })).toBeVisible();
}

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test.describe("a credential's restrictions", () => {
  // Each test signs up, creates credentials and sends mail: on a loaded machine that alone can take most of a minute.
  test.describe.configure({ timeout: 120_000 });
  test("an admin sets allowed senders, a per-minute limit and an expiry; they survive a reload, usage counts against them, a bad CIDR is refused beside its field and the list flags the coming expiry", async ({
    browser,
  }) => {
    const page = await utcPage(browser);
    await signUp(page);
    const credential = await createCredential(page, { username: "limited_app", description: "Billing worker" });
    await openCredential(page, "limited_app");
    await expect(page.getByTestId("password-overlap")).toHaveCount(0);

    // Three days ahead, to the minute: within the 7-day warning.
    const expires = new Date(Math.floor((Date.now() + 3 * DAY_MS) / 60_000) * 60_000).toISOString().slice(0, 16);
    await page.getByLabel("Allowed senders").fill("example.com\n*.Acme.io");
    await page.getByLabel("Messages per minute").fill("5");
    await page.getByLabel("Messages per day").fill("1000");
    await page.getByLabel("Expires", { exact: true }).fill(expires);
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Restrictions saved." })).toBeVisible();
    await expect(page.locator(".detail-badges").getByTestId("expiry-flag")).toHaveText("Expires soon");

    // Sent from app@example.com: an allowed sender. The page reads the usage again when the message is accepted.
    await sendMail(credential.username, credential.password, { subject: "Counted" });
    await expect(page.getByTestId("usage-perDay")).toHaveText("1 of 1,000 this day (0%)");

    await page.reload();
    await expect(page.getByLabel("Allowed senders")).toHaveValue("example.com\n*.acme.io");
    await expect(page.getByLabel("Messages per minute")).toHaveValue("5");
    await expect(page.getByLabel("Messages per hour")).toHaveValue("");
    await expect(page.getByLabel("Expires", { exact: true })).toHaveValue(expires);
    await expect(page.getByTestId("usage-perDay")).toHaveText("1 of 1,000 this day (0%)");
    await expectNoSidewaysScroll(page);
    await screenshot(page, "40-credential-restrictions-1280");

    // The browser cannot judge a CIDR range: the server's refusal shows beside the field, and nothing is saved.
    const ips = page.getByLabel("Allowed IPs");
    await ips.fill("203.0.113.0/24\n10.0.0.0/33");
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await expect(ips).toHaveAttribute("aria-invalid", "true");
    await expect(ips).toHaveAccessibleDescription(/Must be an IP address or CIDR range/);
    await expect(page.getByRole("status").filter({ hasText: "Restrictions saved." })).toHaveCount(0);
    await ips.fill("203.0.113.0/24");
    await expect(ips).toHaveAttribute("aria-invalid", "false");

    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await screenshot(page, "41-credential-restrictions-390");

    await page.getByRole("link", { name: "SMTP Credentials" }).first().click();
    await expect(row(page, "limited_app").getByTestId("expiry-flag")).toHaveText("Expires soon");
    await expectNoSidewaysScroll(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(row(page, "limited_app").getByTestId("expiry-flag")).toHaveText("Expires soon");
    await expectNoSidewaysScroll(page);
  });

  test("regenerate keeping the previous password: both work and the page says until when; ending it early stops the old one", async ({
    browser,
  }) => {
    const page = await utcPage(browser);
    await signUp(page);
    const first = await createCredential(page, { username: "rotating_app" });
    await openCredential(page, "rotating_app");

    await page.getByRole("button", { name: "Regenerate password" }).click();
    const confirm = page.getByRole("dialog", { name: "Regenerate the password of rotating_app?" });
    await expect(confirm).toContainText("The current password stops working immediately.");
    await confirm.getByLabel("Keep the current password working").selectOption({ label: "1 day" });
    await expect(confirm).toContainText("Both passwords work for the chosen time");
    await confirm.getByRole("button", { name: "Regenerate password" }).click();
    await expect(page.getByRole("dialog", { name: "New password generated" })).toContainText(
      "The previous password keeps working until",
    );
    const second = await copyRevealedPassword(page);

    const overlap = page.getByTestId("password-overlap");
    await expect(overlap).toContainText("The previous password also works until");
    await expect(overlap).toContainText("in 24 hours");
    expect(await smtpLogin(first.username, first.password)).toEqual({ ok: true });
    expect(await smtpLogin(second.username, second.password)).toEqual({ ok: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await overlap.scrollIntoViewIfNeeded();
    await screenshot(page, "42-password-overlap-390");

    await page.getByRole("button", { name: "End previous password now" }).click();
    await expect(overlap).toHaveCount(0);
    await expect(page.getByRole("button", { name: "End previous password now" })).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "rotating_app" })).toBeVisible();
    await expect(overlap).toHaveCount(0);
    expect(await smtpLogin(first.username, first.password)).toMatchObject({ ok: false, code: 535 });
    expect(await smtpLogin(second.username, second.password)).toEqual({ ok: true });
  });

  test("a viewer sees the restrictions and the usage read-only, with nothing to change them", async ({ browser }) => {
    const owner = await utcPage(browser);
    await signUp(owner, "Viewing Co");
    await createCredential(owner, { username: "watched_app" });
    await openCredential(owner, "watched_app");
    await owner.getByLabel("Allowed senders").fill("app@example.com");
    await owner.getByLabel("Allowed IPs").fill("2001:db8::/32");
    await owner.getByLabel("Messages per hour").fill("250");
    await owner.getByRole("button", { name: "Save restrictions" }).click();
    await expect(owner.getByRole("status").filter({ hasText: "Restrictions saved." })).toBeVisible();
    const detailPath = new URL(owner.url()).pathname;

    const link = await invitationLink(owner, "viewer");

    const viewer = await utcPage(browser, { width: 390, height: 844 });
    await signUp(viewer, "Viewer's own org");
    await viewer.goto(link);
    await viewer.getByRole("button", { name: "Accept invitation" }).click();
    await expect(row(viewer, "watched_app")).toBeVisible();
    await viewer.goto(detailPath);
    const restrictions = viewer.getByTestId("restrictions");
    await expect(restrictions.getByTestId("allowed-senders")).toHaveText("app@example.com");
    await expect(restrictions.getByTestId("allowed-ips")).toHaveText("2001:db8::/32");
    await expect(restrictions.getByTestId("expires")).toHaveText("Never");
    await expect(restrictions.getByTestId("limit-perHour")).toContainText("250");
    await expect(restrictions.getByTestId("usage-perHour")).toHaveText("0 of 250 this hour (0%)");
    await expect(restrictions.getByTestId("limit-perMinute")).toHaveText("No limit");
    // The page's only text fields are the connection settings, there to be copied, never changed.
    await expect(restrictions.getByRole("textbox")).toHaveCount(0);
    for (const field of await viewer.getByRole("textbox").all()) await expect(field).not.toBeEditable();
    await expect(viewer.getByRole("button", { name: "Save restrictions" })).toHaveCount(0);
    await expect(viewer.getByRole("button", { name: "Regenerate password" })).toHaveCount(0);
    await expectNoSidewaysScroll(viewer);
    await screenshot(viewer, "43-credential-read-only-390");
  });
});
