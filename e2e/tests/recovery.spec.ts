import { type BrowserContext, expect, type Page, type Route, test } from "@playwright/test";
import { createCredential, newPage, row, signUp } from "./support";

/** Requests whose tRPC batch lists the credentials, e.g. `/trpc/smtpCredentials.list?batch=1…`. */
const credentialList = (url: URL) => url.pathname.startsWith("/trpc/") && url.pathname.includes("smtpCredentials.list");

/** Fails a request as a dropped network would (fetch rejects with a TypeError). */
const unreachable = (route: Route) => route.abort("internetdisconnected");

test.describe("recovery", () => {
  let page: Page;
  let context: BrowserContext;

  test.beforeAll(async ({ browser }) => {
    page = await newPage(browser);
    context = page.context();
    await signUp(page);
    await createCredential(page, { username: "recovery_app" });
  });
  test.afterAll(() => context.close());

  test("the first paint shows the brand and a spinner while the script is still on its way", async ({ browser }) => {
    const visitor = await browser.newPage();
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The bundle is held until the first paint has been checked, then let through.
    await visitor.route(/\/assets\/.*\.js$/, async (route) => {
      await released;
      await route.continue();
    });
    await visitor.goto("/signin", { waitUntil: "commit" });
    const boot = visitor.getByTestId("boot");
    await expect(boot.getByText("RelayPost")).toBeVisible();
    await expect(boot.getByRole("status", { name: "Loading RelayPost" })).toBeVisible();
    release();
    await expect(visitor.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expect(visitor.getByTestId("boot")).toHaveCount(0);
    await visitor.close();
  });

  test("a list that cannot be reached says so, and Retry loads it", async () => {
    await page.route(credentialList, unreachable);
    await page.reload();
    const problem = page.getByRole("alert").filter({ hasText: "Can't reach RelayPost" });
    await expect(problem).toBeVisible();
    await expect(page.getByText("Failed to fetch")).toHaveCount(0);
    await page.unroute(credentialList, unreachable);
    await problem.getByRole("button", { name: "Retry" }).click();
    await expect(row(page, "recovery_app")).toBeVisible();
    await expect(problem).toHaveCount(0);
  });

  test("after the network comes back, the audit log and the credentials load again by themselves", async () => {
    await context.setOffline(true);
    await page.getByRole("link", { name: "Audit log" }).click();
    const problem = page.getByRole("alert").filter({ hasText: "Can't reach RelayPost" });
    await expect(problem).toBeVisible();
    await context.setOffline(false);
    await expect(page.getByTestId("audit-row").first()).toBeVisible();
    await expect(problem).toHaveCount(0);
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");

    // The credentials page, loaded while its list cannot be reached, recovers the same way.
    await page.route(credentialList, unreachable);
    await page.getByRole("link", { name: "SMTP Credentials" }).click();
    await page.reload();
    await expect(problem).toBeVisible();
    await page.unroute(credentialList, unreachable);
    await context.setOffline(true);
    await context.setOffline(false);
    await expect(row(page, "recovery_app")).toBeVisible();
    await expect(problem).toHaveCount(0);
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  });
});
