import { type Browser, expect, type Page, test } from "@playwright/test";
import { screenshot, signIn, signUp } from "./support";

const FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SAFARI_ON_IOS =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** A browser of its own (cookies included) that presents `userAgent`, so its session can be told apart. */
async function browserAs(browser: Browser, userAgent?: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    ...(userAgent ? { userAgent } : {}),
  });
  return context.newPage();
}

async function openAccount(page: Page) {
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
}

const sessionRows = (page: Page) => page.getByTestId("session-row");

async function expectSignedOut(page: Page) {
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  // A fresh navigation is turned away too: the cookie it still holds names no session.
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page).toHaveURL(/\/signin\?next=%2Fsettings%2Fapi-keys$/);
}

test.describe("account", () => {
  test("changing the password signs the other browser out at once, keeps this one, and only the new password works", async ({
    browser,
  }) => {
    const mine = await browserAs(browser);
    const account = await signUp(mine);
    const other = await browserAs(browser, FIREFOX_ON_LINUX);
    await signIn(other, account);

    await openAccount(mine);
    await expect(sessionRows(mine)).toHaveCount(2);
    await expect(sessionRows(mine).filter({ hasText: "This device" })).toHaveCount(1);
    await expect(sessionRows(mine).filter({ hasText: "Firefox on Linux" })).toContainText("127.0.0.1");
    await screenshot(mine, "14-account");

    // A wrong current password is refused beside its field, and nobody is signed out.
    await mine.getByLabel("Current password").fill("not-my-password");
    await mine.getByLabel("New password").fill("a-brand-new-password");
    await mine.getByRole("button", { name: "Change password" }).click();
    await expect(mine.getByText("Your current password is not correct")).toBeVisible();
    await expect(mine.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
    await expect(other.getByTestId("connection")).toHaveAttribute("data-state", "live");

    await mine.getByLabel("Current password").fill(account.password);
    await mine.getByRole("button", { name: "Change password" }).click();
    await expect(mine.getByRole("status").filter({ hasText: "Password changed" })).toContainText(
      "1 other session was signed out.",
    );
    await expect(sessionRows(mine)).toHaveCount(1);

    await expectSignedOut(other);
    await mine.reload();
    await expect(mine.getByRole("heading", { name: "Account", exact: true })).toBeVisible();

    await other.getByLabel("Email").fill(account.email);
    await other.getByLabel("Password").fill(account.password);
    await other.getByRole("button", { name: "Sign in" }).click();
    await expect(other.getByText("Email or password is incorrect")).toBeVisible();
    await signIn(other, { email: account.email, password: "a-brand-new-password" });
  });

  test("ending one session signs out that browser only; signing out everywhere signs out every browser", async ({
    browser,
  }) => {
    const mine = await browserAs(browser);
    const account = await signUp(mine);
    const laptop = await browserAs(browser, FIREFOX_ON_LINUX);
    const phone = await browserAs(browser, SAFARI_ON_IOS);
    await signIn(laptop, account);
    await signIn(phone, account);

    await openAccount(mine);
    await expect(sessionRows(mine)).toHaveCount(3);
    await sessionRows(mine).filter({ hasText: "Safari on iOS" }).getByRole("button", { name: "End" }).click();
    await mine
      .getByRole("dialog", { name: "End the session on Safari on iOS?" })
      .getByRole("button", {
        name: "End session",
      })
      .click();
    await expect(sessionRows(mine)).toHaveCount(2);
    await expectSignedOut(phone);
    await expect(laptop.getByTestId("connection")).toHaveAttribute("data-state", "live");

    await mine.getByRole("button", { name: "Sign out everywhere" }).click();
    await mine
      .getByRole("dialog", { name: "Sign out everywhere?" })
      .getByRole("button", { name: "Sign out everywhere" })
      .click();
    await expect(mine.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expectSignedOut(mine);
    await expectSignedOut(laptop);
  });
});
