import { expect, type Page, test } from "@playwright/test";
import { createCredential, newPage, screenshot, sendMail, signUp } from "./support";

/** A realistic long username: 50 characters, the most an admin is likely to type. */
const LONG = "billing_notifications_eu_west_production_mailer_01";
const WIDTHS = [390, 1280, 1366, 1440, 1920];
/** The four widths whose screenshots CI keeps. */
const SHOT_WIDTHS = new Set([390, 1280, 1366, 1920]);

const PAGES = [
  { name: "credentials", link: "SMTP Credentials", heading: "SMTP Credentials" },
  { name: "credential", link: LONG, heading: LONG },
  { name: "messages", link: "Messages", heading: "Messages" },
  { name: "api-keys", link: "API keys", heading: "API keys" },
  { name: "members", link: "Members", heading: "Members" },
  { name: "upstream", link: "Upstream", heading: "Upstream" },
  { name: "webhooks", link: "Webhooks", heading: "Webhooks" },
  { name: "audit-log", link: "Audit log", heading: "Audit log" },
  { name: "account", link: "Account", heading: "Account" },
];
const NAV = PAGES.filter((p) => !["credential", "account"].includes(p.name)).map((p) => p.link);

/** Buttons, links and controls of a table row or a list item's actions, inside the page's main content. */
const rowActions = (page: Page) => page.locator("main").locator(":is(tbody tr, .row-actions) :is(button, a, select)");

test.describe("layout", () => {
  // Each test walks every page of the dashboard.
  test.describe.configure({ timeout: 400_000 });
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(300_000);
    page = await newPage(browser);
    await signUp(page);
    const long = await createCredential(page, {
      username: LONG,
      description: "Invoices and receipts for EU customers",
    });
    await createCredential(page, { username: "rails_production" });
    await sendMail(long.username, long.password, { subject: "Your invoice for November is ready" });
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("button", { name: "Create API key" }).click();
    const keyDialog = page.getByRole("dialog", { name: "Create API key" });
    await keyDialog.getByLabel("Name").fill("Provisioning service for the billing platform");
    await keyDialog.getByRole("button", { name: "Create key" }).click();
    await page
      .getByRole("dialog", { name: "API key created" })
      .getByRole("button", { name: "I've saved the key" })
      .click();
    await page.getByRole("link", { name: "Members" }).click();
    await page.getByRole("button", { name: "Invite by link" }).click();
    const invite = page.getByRole("dialog", { name: "Invite by link" });
    await invite.getByRole("button", { name: "Create link" }).click();
    await invite.getByRole("button", { name: "Done" }).click();
  });
  test.afterAll(async () => {
    await page.context().close();
  });

  for (const width of WIDTHS) {
    test(`at ${width} px every page fits, and every row action can be seen and clicked`, async () => {
      await page.setViewportSize({ width, height: 900 });
      for (const target of PAGES) {
        await test.step(target.name, async () => {
          await open(page, target.link);
          await expect(page.getByRole("heading", { level: 1, name: target.heading })).toBeVisible();
          await expect(page.locator("main [aria-busy='true']")).toHaveCount(0);
          // Nothing wider than the window: whatever does not fit scrolls inside its own box.
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          const actions = rowActions(page);
          if (["credentials", "api-keys", "members", "messages"].includes(target.name)) {
            expect(await actions.count()).toBeGreaterThan(0);
          }
          for (const action of await actions.all()) {
            // Again from the start if a refetch redraws the row meanwhile.
            await expect(async () => {
              await action.scrollIntoViewIfNeeded();
              await expect(action).toBeInViewport();
              const box = await action.boundingBox();
              expect(box?.x).toBeGreaterThanOrEqual(0);
              expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
              await action.click({ trial: true });
            }).toPass();
          }
          if (SHOT_WIDTHS.has(width)) await screenshot(page, `layout-${target.name}-${width}`);
        });
      }
    });
  }

  test("at 390 px the navigation shows every entry, and the top bar follows it with no gap", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const target of ["API keys", "Members", "SMTP Credentials"]) {
      await open(page, target);
      await page.evaluate(() => window.scrollTo(0, 0));
      const nav = page.getByRole("navigation", { name: "Settings" });
      for (const name of NAV) await expect(nav.getByRole("link", { name, exact: true })).toBeInViewport({ ratio: 1 });
      const navBox = await nav.boundingBox();
      const topbar = await page.getByRole("banner").boundingBox();
      // No empty block between the navigation and the top bar above the page.
      expect((topbar?.y ?? 0) - ((navBox?.y ?? 0) + (navBox?.height ?? 0))).toBeLessThan(24);
    }
  });
});

/** Follows the navigation (or, for a credential or Account, the link of that name) as a person would. */
async function open(page: Page, link: string) {
  if (link === LONG) {
    await open(page, "SMTP Credentials");
    await page.getByRole("link", { name: LONG, exact: true }).click();
    return;
  }
  await page.getByRole("link", { name: link, exact: true }).first().click();
}
