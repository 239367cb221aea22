import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Locator, type Page } from "@playwright/test";
import { screenshot } from "./support";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP endpoint on loopback that records every request and answers each with `status`. */
export async function startReceiver(status: number, answer: string) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status, { "content-type": "text/plain" }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/relaypost`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export const webhookRow = (page: Page, url: string): Locator =>
  page.locator('[data-testid="webhook-row"]').filter({ has: page.getByText(url, { exact: true }) });

/**
 * Adds an endpoint on the Webhooks page and reads its one-time secret back from the clipboard. `only`: the one event type to send, else all; `shot`: a screenshot of the
 * filled-in form.
 */
export async function addWebhook(page: Page, url: string, options: { only?: string; shot?: string } = {}) {
  await page.getByRole("link", { name: "Webhooks", exact: true }).click();
  await page.getByRole("button", { name: "Add webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "Add webhook" });
  await dialog.getByLabel("URL").fill(url);
  await dialog.getByLabel("Description").fill("Provisioning");
  if (options.only) {
    await dialog.getByLabel("Only the events I choose").check();
    await dialog.getByRole("checkbox", { name: options.only, exact: true }).check();
  }
  if (options.shot) await screenshot(page, options.shot);
  await dialog.getByRole("button", { name: "Add webhook" }).click();
  const reveal = page.getByRole("dialog", { name: "Webhook added" });
  await expect(reveal).toContainText("You will not see it again.");
  await expect(reveal).toContainText("Verify signatures with a Standard Webhooks library");
  await reveal.getByRole("button", { name: "Copy" }).click();
  await expect(reveal.getByRole("button", { name: "Copied" })).toBeVisible();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toMatch(/^whsec_/);
  await reveal.getByRole("button", { name: "I've saved the secret" }).click();
  await expect(reveal).toBeHidden();
  return secret;
}

/** The newest delivery of `type` in an endpoint's opened log, read again until its last answer names `answer`. */
export async function expectDelivery(page: Page, url: string, type: string, answer: string) {
  const row = webhookRow(page, url);
  const delivery = row.locator(`[data-testid="webhook-delivery"][data-event-type="${type}"]`).first();
  // The receiver has the request a moment before RelayPost records its answer: refresh until it is there.
  await expect(async () => {
    await row.getByRole("button", { name: `Refresh deliveries of webhook ${url}` }).click();
    await expect(delivery.getByTestId("delivery-answer")).toContainText(answer, { timeout: 1_000 });
  }).toPass();
  return delivery;
}
