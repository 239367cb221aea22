import { randomBytes } from "node:crypto";
import { type Browser, expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { type RunningServer, startServer } from "../server";
import { createCredential, invitationLink, screenshot, signUp } from "./support";
import { addWebhook, expectDelivery, type Receiver, startReceiver, webhookRow } from "./webhook-support";

test.describe("webhooks", () => {
  let server: RunningServer;
  let receivers: Receiver[] = [];

  test.beforeAll(async () => {
    server = await startServer({
      script: ["relaypost", "serve"],
      env: { RELAYPOST_SECRET_KEY: randomBytes(32).toString("base64"), WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true" },
    });
  });
  test.afterEach(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    receivers = [];
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  const pageOn = async (browser: Browser, viewport = { width: 1440, height: 900 }) => {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport });
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    return context.newPage();
  };
  const receiver = async (status: number, answer: string) => {
    const started = await startReceiver(status, answer);
    receivers.push(started);
    return started;
  };

  test("an admin adds an endpoint for one event, which arrives signed with the secret shown once and is logged as delivered", async ({
    browser,
  }) => {
    const hook = await receiver(200, "thanks");
    const page = await pageOn(browser);
    await signUp(page);
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await expect(page.getByText("No webhooks")).toBeVisible();

    // The server's refusal of the address shows beside the URL.
    await page.getByRole("button", { name: "Add webhook" }).click();
    const dialog = page.getByRole("dialog", { name: "Add webhook" });
    await dialog.getByLabel("URL").fill("ftp://127.0.0.1/hooks");
    await dialog.getByRole("button", { name: "Add webhook" }).click();
    await expect(dialog.getByText("Webhook endpoints must use https://")).toBeVisible();
    await expect(dialog.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    const secret = await addWebhook(page, hook.url, { only: "credential.created", shot: "40-webhook-add" });
    const row = webhookRow(page, hook.url);
    await expect(row.getByTestId("webhook-events")).toHaveText("credential.created");
    await expect(row.getByTestId("webhook-status")).toHaveText("Active");
    await expect(page.locator("body")).not.toContainText(secret);

    await page.getByRole("link", { name: "SMTP Credentials", exact: true }).click();
    await createCredential(page, { username: "hooked_app", smtpPort: server.smtpPort });
    await expect.poll(() => hook.received.length).toBe(1);
    const [request] = hook.received;
    const verified = new Webhook(secret).verify(request?.body ?? "", request?.headers as Record<string, string>);
    expect(verified).toMatchObject({ type: "credential.created", data: { username: "hooked_app" } });

    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await row.getByRole("button", { name: `Deliveries of webhook ${hook.url}` }).click();
    const delivery = await expectDelivery(page, hook.url, "credential.created", "HTTP 200: thanks");
    await expect(delivery.getByTestId("delivery-status")).toHaveText("Delivered");
    await expect(delivery).toContainText("1 attempt");
    await screenshot(page, "40-webhooks");
  });

  test("a failing endpoint's delivery waits for its retry with the 500 it got; an invited viewer reads it all without actions", async ({
    browser,
  }) => {
    const hook = await receiver(500, "Internal failure");
    const page = await pageOn(browser);
    await signUp(page);
    await addWebhook(page, hook.url);
    await expect(webhookRow(page, hook.url).getByTestId("webhook-events")).toHaveText("All events");
    await page.getByRole("link", { name: "SMTP Credentials", exact: true }).click();
    await createCredential(page, { username: "failing_hook_app", smtpPort: server.smtpPort });
    await expect.poll(() => hook.received.length).toBeGreaterThanOrEqual(1);

    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await webhookRow(page, hook.url)
      .getByRole("button", { name: `Deliveries of webhook ${hook.url}` })
      .click();
    const delivery = await expectDelivery(page, hook.url, "credential.created", "HTTP 500: Internal failure");
    await expect(delivery.getByTestId("delivery-status")).toHaveText(/Pending|Failed/);

    const link = await invitationLink(page, "viewer");
    const viewer = await pageOn(browser);
    await signUp(viewer, "Viewer's own org");
    await viewer.goto(link);
    await viewer.getByRole("button", { name: "Accept invitation" }).click();
    await expect(viewer.getByRole("heading", { name: "SMTP Credentials", exact: true })).toBeVisible();
    await viewer.getByRole("link", { name: "Webhooks", exact: true }).click();
    const seen = webhookRow(viewer, hook.url);
    await expect(seen.getByTestId("webhook-status")).toHaveText("Active");
    await expect(viewer.getByRole("button", { name: "Add webhook" })).toHaveCount(0);
    for (const action of ["Edit", "Turn off", "Rotate secret of", "Delete"]) {
      await expect(seen.getByRole("button", { name: `${action} webhook ${hook.url}` })).toHaveCount(0);
    }
    await seen.getByRole("button", { name: `Deliveries of webhook ${hook.url}` }).click();
    await expect(seen.getByTestId("delivery-answer").first()).toContainText("HTTP 500");
  });

  test("an admin edits an endpoint's description and events, turns it off after confirming, on again, rotates its secret and deletes it", async ({
    browser,
  }) => {
    const hook = await receiver(200, "ok");
    const page = await pageOn(browser);
    await signUp(page);
    const first = await addWebhook(page, hook.url);
    const row = webhookRow(page, hook.url);

    await row.getByRole("button", { name: `Edit webhook ${hook.url}` }).click();
    const edit = page.getByRole("dialog", { name: "Edit webhook" });
    await expect(edit.getByLabel("URL")).toHaveValue(hook.url);
    await expect(edit.getByLabel("Description")).toHaveValue("Provisioning");
    await expect(edit.getByLabel("All events, including types added later")).toBeChecked();
    // The server's refusal of a changed address shows beside the URL, as when adding.
    await edit.getByLabel("URL").fill("ftp://127.0.0.1/hooks");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(edit.getByText("Webhook endpoints must use https://")).toBeVisible();
    await expect(edit.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
    await edit.getByLabel("URL").fill(hook.url);
    await edit.getByLabel("Description").fill("Credential audit");
    await edit.getByLabel("Only the events I choose").check();
    await edit.getByRole("checkbox", { name: "credential.deleted", exact: true }).check();
    await edit.getByRole("checkbox", { name: "message.failed", exact: true }).check();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(edit).toBeHidden();
    await page.reload();
    await expect(row).toContainText("Credential audit");
    await expect(row.getByTestId("webhook-events")).toHaveText("credential.deleted, message.failed");

    await row.getByRole("button", { name: `Turn off webhook ${hook.url}` }).click();
    await page
      .getByRole("dialog", { name: "Turn off this webhook?" })
      .getByRole("button", { name: "Turn off" })
      .click();
    await expect(row.getByTestId("webhook-status")).toHaveText("Off");
    await row.getByRole("button", { name: `Turn on webhook ${hook.url}` }).click();
    await expect(row.getByTestId("webhook-status")).toHaveText("Active");

    await row.getByRole("button", { name: `Rotate secret of webhook ${hook.url}` }).click();
    const rotate = page.getByRole("dialog", { name: "Rotate signing secret" });
    await rotate.getByLabel("Stops now").check();
    await rotate.getByRole("button", { name: "Rotate secret" }).click();
    const reveal = page.getByRole("dialog", { name: "Signing secret rotated" });
    const second = await reveal.getByTestId("revealed-webhook-secret").inputValue();
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    await reveal.getByRole("button", { name: "I've saved the secret" }).click();
    await expect(row).not.toContainText("Previous secret signs until");

    await row.getByRole("button", { name: `Delete webhook ${hook.url}` }).click();
    await page
      .getByRole("dialog", { name: "Delete this webhook?" })
      .getByRole("button", { name: "Delete webhook" })
      .click();
    await expect(page.getByText("No webhooks")).toBeVisible();
  });

  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    test(`at ${viewport.width} px an endpoint's actions and deliveries are not cut off`, async ({ browser }) => {
      const hook = await receiver(200, "ok");
      const page = await pageOn(browser, viewport);
      await signUp(page);
      const url = `${hook.url}/a-rather-long-path/that-has-to-wrap/somewhere-on-a-narrow-screen`;
      await addWebhook(page, url, { only: "credential.created" });
      const row = webhookRow(page, url);
      await row.getByRole("button", { name: `Deliveries of webhook ${url}` }).click();
      await expect(row.getByText("No deliveries yet")).toBeVisible();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(viewport.width);
      for (const name of [
        `Edit webhook ${url}`,
        `Turn off webhook ${url}`,
        `Rotate secret of webhook ${url}`,
        `Delete webhook ${url}`,
      ]) {
        const button = row.getByRole("button", { name });
        await button.scrollIntoViewIfNeeded();
        await expect(button).toBeInViewport({ ratio: 0.95 });
      }
      await screenshot(page, `41-webhooks-${viewport.width}`);
    });
  }
});

test.describe("webhooks on a server without RELAYPOST_SECRET_KEY", () => {
  let server: RunningServer;

  test.beforeAll(async () => {
    server = await startServer({
      script: ["relaypost", "serve"],
      env: { RELAYPOST_SECRET_KEY: "", RELAYPOST_SECRET_KEY_PREVIOUS: "", WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true" },
    });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("adding an endpoint is refused with what the operator must set", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await signUp(page);
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.getByRole("button", { name: "Add webhook" }).click();
    const dialog = page.getByRole("dialog", { name: "Add webhook" });
    await dialog.getByLabel("URL").fill("http://127.0.0.1:9/hooks");
    await dialog.getByRole("button", { name: "Add webhook" }).click();
    await expect(dialog.getByRole("alert")).toContainText("set RELAYPOST_SECRET_KEY");
    await context.close();
  });
});
