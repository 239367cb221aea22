import { expect, test, type WebSocketRoute } from "@playwright/test";
import {
  copyRevealedPassword,
  createCredential,
  deactivate,
  newPage,
  row,
  screenshot,
  signIn,
  signUp,
  smtpLogin,
} from "./support";

test.describe("SMTP credentials, live", () => {
  test("sign up, create with a blank username, copy the password, log in over SMTP and see it live", async ({
    browser,
  }) => {
    const page = await newPage(browser);
    await signUp(page);
    await expect(page.getByText("No SMTP credentials yet")).toBeVisible();
    await screenshot(page, "01-empty-credentials");

    await page.getByRole("button", { name: "Create credential" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create SMTP credential" });
    await expect(dialog.getByText("one credential per application")).toBeVisible();
    const username = dialog.getByLabel("Username");
    await username.fill("ab");
    await expect(dialog.getByText("At least 4 characters")).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Create", exact: true })).toBeDisabled();
    await username.fill("bad-name");
    await expect(dialog.getByText("Use only letters, numbers and underscores")).toBeVisible();
    await username.fill("");
    await dialog.getByLabel("Description").fill("Production Rails app");
    await screenshot(page, "02-create-dialog");
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await expect(page.getByRole("dialog", { name: "Credential created" })).toBeVisible();
    await screenshot(page, "03-password-reveal");
    const credential = await copyRevealedPassword(page);
    expect(credential.username).toMatch(/^smtp_[a-z0-9]{8}$/);

    const created = row(page, credential.username);
    await expect(created).toContainText("Production Rails app");
    await expect(created.getByTestId("last-used")).toHaveText("Never");
    // A marker that a reload would erase: the updates below must arrive without one.
    await page.evaluate(() => document.body.setAttribute("data-no-reload", "1"));

    expect(await smtpLogin(credential.username, credential.password)).toEqual({ ok: true });

    await expect(created.getByTestId("last-used")).toHaveText("just now");
    const accepted = page.locator('[data-testid="feed-item"][data-event="auth.succeeded"]');
    await expect(accepted).toHaveCount(1);
    await expect(accepted).toContainText(credential.username);
    await expect(accepted).toContainText("Login accepted");
    await expect(accepted).toContainText("127.0.0.1");
    await expect(page.locator(".chart-legend").first()).toContainText("1 accepted");
    await expect(page.locator("body")).toHaveAttribute("data-no-reload", "1");
    await screenshot(page, "04-credentials-live");
  });

  test("regenerate: the old password is rejected live with its reason, the new one works", async ({ browser }) => {
    const page = await newPage(browser);
    await signUp(page);
    const first = await createCredential(page, { username: "rails_prod", description: "Rails, production" });
    expect(first.username).toBe("rails_prod");
    expect(await smtpLogin(first.username, first.password)).toEqual({ ok: true });
    await expect(row(page, "rails_prod").getByTestId("last-used")).toHaveText("just now");

    await row(page, "rails_prod").getByRole("button", { name: "Regenerate password of rails_prod" }).click();
    const confirm = page.getByRole("dialog", { name: "Regenerate the password of rails_prod?" });
    await expect(confirm).toContainText("The current password stops working immediately.");
    await screenshot(page, "05-regenerate-confirm");
    await confirm.getByRole("button", { name: "Regenerate password" }).click();
    await expect(page.getByRole("dialog", { name: "New password generated" })).toContainText(
      "The previous password has stopped working.",
    );
    const second = await copyRevealedPassword(page);
    expect(second.password).not.toBe(first.password);

    const old = await smtpLogin(first.username, first.password);
    expect(old).toMatchObject({ ok: false, code: 535 });
    const rejected = page.locator('[data-testid="feed-item"][data-event="auth.rejected"]');
    await expect(rejected).toHaveCount(1);
    await expect(rejected).toContainText("rails_prod");
    await expect(rejected.getByTestId("feed-reason")).toHaveText("Wrong password");

    expect(await smtpLogin(second.username, second.password)).toEqual({ ok: true });
    await expect(page.locator('[data-testid="feed-item"][data-event="auth.succeeded"]')).toHaveCount(2);

    // A fuller screen for the README: a few applications, each with its own credential, in use.
    const worker = await createCredential(page, { username: "django_worker", description: "Django, staging" });
    await createCredential(page, { description: "Nightly reports (cron)" });
    expect(await smtpLogin(worker.username, worker.password)).toEqual({ ok: true });
    await expect(row(page, "django_worker").getByTestId("last-used")).toHaveText("just now");
    // docs/screenshot-credentials.png in the README is a copy of this one.
    await screenshot(page, "05b-credentials-in-use");
  });

  test("deactivate, activate and delete agree across two browsers of one organization and SMTP", async ({
    browser,
  }) => {
    const a = await newPage(browser);
    const account = await signUp(a);
    const credential = await createCredential(a, { username: "worker_app" });
    const b = await newPage(browser);
    await signIn(b, account);
    await expect(row(b, "worker_app")).toBeVisible();

    // A credential created elsewhere appears in the other browser without a reload.
    await createCredential(a, { username: "cron_jobs" });
    await expect(row(b, "cron_jobs")).toBeVisible();

    const activateB = row(b, "worker_app").getByRole("button", { name: "Activate worker_app", exact: true });
    await expect(row(b, "worker_app").getByRole("button", { name: "Deactivate worker_app" })).toBeVisible();
    await deactivate(a, "worker_app");
    await expect(row(a, "worker_app").getByRole("button", { name: "Activate worker_app", exact: true })).toBeVisible();
    await expect(row(a, "worker_app").getByTestId("status")).toHaveText("Inactive");
    await expect(activateB).toBeVisible();
    await expect(row(b, "worker_app").getByTestId("status")).toHaveText("Inactive");
    expect(await smtpLogin(credential.username, credential.password)).toMatchObject({ ok: false, code: 535 });
    const rejected = b.locator('[data-testid="feed-item"][data-event="auth.rejected"]');
    await expect(rejected.getByTestId("feed-reason")).toHaveText("Credential is deactivated");
    await screenshot(b, "06-deactivated-second-browser");

    // Turning it back on needs no confirmation.
    await activateB.click();
    await expect(row(a, "worker_app").getByRole("button", { name: "Deactivate worker_app" })).toBeVisible();
    await expect(row(a, "worker_app").getByTestId("status")).toHaveText("Active");
    expect(await smtpLogin(credential.username, credential.password)).toEqual({ ok: true });
    await expect(row(b, "worker_app").getByTestId("last-used")).toHaveText("just now");

    await row(a, "worker_app").getByRole("button", { name: "Delete worker_app" }).click();
    const confirm = a.getByRole("dialog", { name: "Delete worker_app?" });
    await expect(confirm).toContainText("This is permanent.");
    await confirm.getByRole("button", { name: "Delete credential" }).click();
    await expect(row(a, "worker_app")).toHaveCount(0);
    await expect(row(b, "worker_app")).toHaveCount(0);
    await expect(row(b, "cron_jobs")).toBeVisible();
    expect(await smtpLogin(credential.username, credential.password)).toMatchObject({ ok: false, code: 535 });
  });

  test("a second organization never sees the first one's credentials or events", async ({ browser }) => {
    const first = await newPage(browser);
    await signUp(first, "First Org");
    const mine = await createCredential(first, { username: "first_org_app" });
    const second = await newPage(browser);
    await signUp(second, "Second Org");
    const theirs = await createCredential(second, { username: "second_org_app" });

    expect(await smtpLogin(mine.username, mine.password)).toEqual({ ok: true });
    expect(await smtpLogin(mine.username, "rpsmtp_not_the_password")).toMatchObject({ ok: false, code: 535 });
    // The malformed password names no credential; it is told to the organization owning that username only.
    await expect(first.locator('[data-testid="feed-item"]')).toHaveCount(2);
    await expect(first.getByTestId("activity-feed")).toContainText("Password not in RelayPost's format");
    // The second organization's own login arrives, so its stream is flowing, and it is the only one there.
    expect(await smtpLogin(theirs.username, theirs.password)).toEqual({ ok: true });
    await expect(second.locator('[data-testid="feed-item"]')).toHaveCount(1);
    await expect(second.getByTestId("activity-feed")).toContainText("second_org_app");
    await expect(second.getByTestId("activity-feed")).not.toContainText("first_org_app");
    await expect(second.locator('[data-testid="credential-row"]')).toHaveCount(1);
    await expect(first.locator('[data-testid="credential-row"]')).toHaveCount(1);
    await expect(first.getByTestId("activity-feed")).not.toContainText("second_org_app");

    await second.getByPlaceholder("Search by username or description").fill("first_org");
    await expect(second.getByText("No matching credentials")).toBeVisible();
  });

  test("after a network drop the indicator reconnects and the page catches up on what it missed", async ({
    browser,
  }) => {
    // The watcher's WebSocket runs through a proxy so the test can cut the open socket; offline emulation then
    // makes every reconnect attempt fail, like a laptop whose network went away.
    const context = await browser.newContext();
    const open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
    await context.routeWebSocket(/\/trpc(\?|$)/, (ws) => {
      open.add({ page: ws, server: ws.connectToServer() });
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const watcher = await context.newPage();
    const account = await signUp(watcher);
    const credential = await createCredential(watcher, { username: "offline_app" });
    const actor = await newPage(browser);
    await signIn(actor, account);

    await context.setOffline(true);
    for (const socket of open) {
      await socket.server.close();
      await socket.page.close({ code: 4000, reason: "network down" });
    }
    open.clear();
    await expect(watcher.getByTestId("connection")).toHaveAttribute("data-state", "reconnecting");
    await expect(watcher.getByTestId("connection")).toContainText("Reconnecting");
    await screenshot(watcher, "07-reconnecting");

    await deactivate(actor, "offline_app");
    await expect(row(actor, "offline_app").getByTestId("status")).toHaveText("Inactive");
    expect(await smtpLogin(credential.username, credential.password)).toMatchObject({ ok: false, code: 535 });
    await createCredential(actor, { username: "made_while_away" });
    await expect(row(watcher, "made_while_away")).toHaveCount(0);

    await context.setOffline(false);
    await expect(watcher.getByTestId("connection")).toHaveAttribute("data-state", "live", { timeout: 30_000 });
    await expect(row(watcher, "offline_app").getByTestId("status")).toHaveText("Inactive");
    await expect(row(watcher, "made_while_away")).toBeVisible();
    await expect(
      watcher.locator('[data-testid="feed-item"][data-event="auth.rejected"]').getByTestId("feed-reason"),
    ).toHaveText("Credential is deactivated");
  });
});
