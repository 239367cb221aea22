import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { createCredential, newPage, row, signUp, smtpLogin } from "./support";

const TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];

/** Axe's serious and critical findings on what the page shows now, named so a failure says where and what. */
async function expectAccessible(page: Page, where: string) {
  const result = await new AxeBuilder({ page })
    .withTags(TAGS)
    .options({ resultTypes: ["violations"] })
    .analyze();
  const serious = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  expect(serious, where).toEqual([]);
}

/** Opens a dialog with `open`, checks it, and closes it with its Cancel button. */
async function checkDialog(page: Page, where: string, open: () => Promise<void>) {
  await open();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expectAccessible(page, where);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
}

const nav = (page: Page, name: string) => page.getByRole("link", { name, exact: true }).first().click();
const heading = (page: Page, name: string) =>
  expect(page.getByRole("heading", { level: 1, name, exact: true })).toBeVisible();

test.describe("accessibility", () => {
  // Each test runs axe on every page and dialog.
  test.describe.configure({ timeout: 600_000 });
  let page: Page;
  const username = "rails_production";
  let password = "";

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(300_000);
    page = await newPage(browser);
    await signUp(page);
    ({ password } = await createCredential(page, { username, description: "The storefront" }));
  });
  test.afterAll(async () => {
    await page.context().close();
  });

  for (const colorScheme of ["light", "dark"] as const) {
    for (const width of [1280, 390]) {
      test(`every page and dialog at ${width} px in the ${colorScheme} theme has no serious axe violation`, async ({
        browser,
      }) => {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme });
        await nav(page, "SMTP Credentials");
        await heading(page, "SMTP Credentials");
        await expect(page.locator("html")).toHaveAttribute("data-theme", colorScheme);
        await expectAccessible(page, "credentials");
        await checkDialog(page, "create credential", () =>
          page.getByRole("button", { name: "Create credential" }).first().click(),
        );
        await page.getByRole("button", { name: "Create credential" }).first().click();
        await page.getByRole("dialog").getByRole("button", { name: "Create", exact: true }).click();
        await expect(page.getByText("You will not see it again.")).toBeVisible();
        await expectAccessible(page, "reveal password");
        await page.getByRole("button", { name: "I've saved the password" }).click();
        await checkDialog(page, "regenerate", () =>
          row(page, username)
            .getByRole("button", { name: /^Regenerate password/ })
            .click(),
        );
        await checkDialog(page, "delete", () =>
          row(page, username)
            .getByRole("button", { name: /^Delete / })
            .click(),
        );

        await page.getByRole("link", { name: username, exact: true }).click();
        await heading(page, username);
        await expectAccessible(page, "credential detail");

        await nav(page, "Messages");
        await heading(page, "Messages");
        await expectAccessible(page, "messages");

        await nav(page, "API keys");
        await heading(page, "API keys");
        await expectAccessible(page, "API keys");
        await checkDialog(page, "create API key", () => page.getByRole("button", { name: "Create API key" }).click());

        await nav(page, "Members");
        await heading(page, "Members");
        await expectAccessible(page, "members");
        await checkDialog(page, "invite", () => page.getByRole("button", { name: "Invite by link" }).click());

        await nav(page, "Upstream");
        await heading(page, "Upstream");
        await expectAccessible(page, "upstream");

        await nav(page, "Webhooks");
        await heading(page, "Webhooks");
        await expectAccessible(page, "webhooks");
        await checkDialog(page, "add webhook", () => page.getByRole("button", { name: "Add webhook" }).first().click());

        await nav(page, "Audit log");
        await heading(page, "Audit log");
        await expectAccessible(page, "audit log");

        await nav(page, "Account");
        await heading(page, "Account");
        await expectAccessible(page, "account");

        // Signed-out pages, in a context of their own.
        const visitorContext = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
        const visitor = await visitorContext.newPage();
        for (const [path, title] of [
          ["/signin", "Sign in"],
          ["/signup", "Create account"],
        ]) {
          await visitor.goto(path ?? "/");
          await expect(visitor).toHaveTitle(`${title} · RelayPost`);
          await expectAccessible(visitor, path ?? "");
        }
        await visitorContext.close();
      });
    }
  }

  test("the theme follows the system until chosen, is remembered, and is applied before the dashboard's script runs", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: "dark" });
    await nav(page, "SMTP Credentials");
    const html = page.locator("html");
    const theme = page.getByLabel("Theme");
    await expect(theme).toHaveValue("system");
    await expect(html).toHaveAttribute("data-theme", "dark");
    await page.emulateMedia({ colorScheme: "light" });
    await expect(html).toHaveAttribute("data-theme", "light");
    // The page's background is the root element's.
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const lightBackground = await background();

    await theme.selectOption("dark");
    await expect(html).toHaveAttribute("data-theme", "dark");
    expect(await background()).not.toBe(lightBackground);

    // With the dashboard's script blocked, only the head's theme script can have set the theme: no light flash.
    await page.route("**/assets/*.js", (route) => route.abort());
    await page.reload();
    await expect(html).toHaveAttribute("data-theme", "dark");
    await page.unroute("**/assets/*.js");
    await page.reload();
    await expect(theme).toHaveValue("dark");

    await theme.selectOption("system");
    await expect(html).toHaveAttribute("data-theme", "light");
    expect(await page.evaluate(() => localStorage.getItem("relaypost.theme"))).toBeNull();
  });

  test("a skip link leads to the page, and every page has a title of its own", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/settings/smtp-credentials");
    await heading(page, "SMTP Credentials");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("button", { name: "Skip to main content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("main")).toBeFocused();

    const titles: [string, string][] = [
      ["SMTP Credentials", "SMTP Credentials"],
      ["Messages", "Messages"],
      ["API keys", "API keys"],
      ["Members", "Members"],
      ["Upstream", "Upstream"],
      ["Webhooks", "Webhooks"],
      ["Audit log", "Audit log"],
      ["Account", "Account"],
    ];
    for (const [link, title] of titles) {
      await nav(page, link);
      await expect(page).toHaveTitle(`${title} · RelayPost`);
    }
    await nav(page, "SMTP Credentials");
    await page.getByRole("link", { name: username, exact: true }).click();
    await expect(page).toHaveTitle("SMTP credential · RelayPost");
  });

  test("the live feed announces each new login politely, without reading the list again", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await nav(page, "SMTP Credentials");
    await heading(page, "SMTP Credentials");
    const announcement = page.getByTestId("feed-announcement");
    await expect(announcement).toHaveAttribute("aria-live", "polite");
    expect(await smtpLogin(username, password)).toEqual({ ok: true });
    await expect(announcement).toHaveText(new RegExp(`^Login accepted: ${username} from .*127\\.0\\.0\\.1$`));
    // The list itself is not live: only the announcement is read out.
    await expect(page.getByTestId("activity-feed")).toBeVisible();
    await expect(page.getByTestId("activity-feed")).not.toHaveAttribute("aria-live");
    expect((await smtpLogin(username, `${password}x`)).ok).toBe(false);
    await expect(announcement).toHaveText(new RegExp(`^Login rejected: ${username}, `));
  });
});
