import { type Browser, expect, type Page, test } from "@playwright/test";
import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import { startUpstreamSink, type UpstreamSink } from "@relaypost/smtp/upstream-sink";
import { type RunningServer, startServer } from "../server";
import { createCredential, newPage, row, screenshot, sendMail, sendMails, signUp } from "./support";

const messageRow = (page: Page, subject: string) => page.getByTestId("message-row").filter({ hasText: subject });

test.describe("Messages", () => {
  test("without an upstream, a sent message is listed as stored and the page says mail is not relayed", async ({
    browser,
  }) => {
    const page = await newPage(browser);
    await signUp(page);
    const credential = await createCredential(page, { username: "stored_app" });
    await expect(row(page, "stored_app").getByTestId("sent-24h")).toHaveText("0");

    await sendMail(credential.username, credential.password, { subject: "Kept here only" });
    // Counted live from its acceptance, without a reload.
    await expect(row(page, "stored_app").getByTestId("sent-24h")).toHaveText("1");
    await expect(row(page, "stored_app").getByTestId("sent-7d")).toHaveText("1");

    await page.getByRole("link", { name: "Messages", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Messages", exact: true })).toBeVisible();
    await expect(page.getByTestId("not-relayed")).toContainText(NOT_RELAYED_NOTICE);
    const message = messageRow(page, "Kept here only");
    await expect(message.getByTestId("message-status")).toHaveText("Stored");
    await expect(message).toContainText("stored_app");
    await expect(message).toContainText("someone@example.net");
  });

  test("recipient and day filters narrow the log and stay in the address; an admin deletes the log", async ({
    browser,
  }) => {
    const page = await newPage(browser);
    const account = await signUp(page);
    const credential = await createCredential(page, { username: "filter_app" });
    await sendMail(credential.username, credential.password, { to: "alice@example.net", subject: "For Alice" });
    await sendMail(credential.username, credential.password, { to: "bob@example.net", subject: "For Bob" });
    await expect(row(page, "filter_app").getByTestId("sent-24h")).toHaveText("2");

    await page.getByRole("link", { name: "Messages", exact: true }).click();
    const rows = page.getByTestId("message-row");
    await expect(rows).toHaveCount(2);
    // An exact address in any case; it applies on Enter, not on every key.
    await page.getByTestId("filter-recipient").fill("ALICE@example.net");
    await page.getByTestId("filter-recipient").press("Enter");
    await expect(page).toHaveURL(/recipient=ALICE%40example\.net/);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("For Alice");
    await page.reload();
    await expect(page.getByTestId("filter-recipient")).toHaveValue("ALICE@example.net");
    await expect(rows).toHaveCount(1);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(rows).toHaveCount(2);
    // Days in the browser's own time zone, as the date fields read them.
    const [today, yesterday] = await page.evaluate(() => {
      const day = (d: Date) =>
        `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
      return [day(new Date()), day(new Date(Date.now() - 86_400_000))];
    });
    await page.getByTestId("filter-to").fill(yesterday);
    await expect(page).toHaveURL(new RegExp(`to=${yesterday}`));
    await expect(page.getByText("No messages match these filters")).toBeVisible();
    await page.getByTestId("filter-from").fill(today);
    await page.getByTestId("filter-to").fill(today);
    await expect(rows).toHaveCount(2);

    await page.getByRole("button", { name: "Delete message log" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete the message log of ${account.organization}?` });
    await expect(dialog).toContainText("waiting for delivery (queued or deferred) are kept");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(rows).toHaveCount(2);
    await page.getByRole("button", { name: "Delete message log" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete message log" }).click();
    await expect(page.getByTestId("purged")).toHaveText("Deleted 2 messages from the log.");
    await expect(page.getByText("No messages match these filters")).toBeVisible();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page.getByText("No messages yet")).toBeVisible();
  });

  test("newest first, a page at a time: “Load more” continues where the page ended", async ({ browser }) => {
    const page = await newPage(browser);
    await signUp(page);
    const credential = await createCredential(page, { username: "busy_app" });
    const subjects = Array.from({ length: 53 }, (_, i) => `Batch message ${String(i + 1).padStart(2, "0")}`);
    await sendMails(credential.username, credential.password, subjects);
    await expect(row(page, "busy_app").getByTestId("sent-24h")).toHaveText("53");

    await page.getByRole("link", { name: "Messages", exact: true }).click();
    const rows = page.getByTestId("message-row");
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText("Batch message 53");
    await expect(rows.last()).toContainText("Batch message 04");
    await page.getByRole("button", { name: "Load 50 more" }).click();
    await expect(rows).toHaveCount(53);
    await expect(rows.last()).toContainText("Batch message 01");
    await expect(page.getByRole("button", { name: "Load 50 more" })).toHaveCount(0);
  });

  test.describe("relayed to an upstream", () => {
    let sink: UpstreamSink;
    let server: RunningServer;

    test.beforeAll(async () => {
      sink = await startUpstreamSink();
      // The shared server has no upstream; this one relays to a sink the test can watch and instruct.
      server = await startServer({ script: ["relaypost", "serve"], env: { RELAY_URL: sink.url } });
    });
    test.afterAll(async () => {
      await server?.stop();
      await sink?.close();
    });

    const pageOn = async (browser: Browser, viewport = { width: 1440, height: 900 }) => {
      const context = await browser.newContext({ baseURL: server.baseUrl, viewport });
      await context.grantPermissions(["clipboard-read", "clipboard-write"]);
      return context.newPage();
    };

    test("a message sent with Nodemailer shows up relayed live, with the upstream's reply and each recipient's result", async ({
      browser,
    }) => {
      const page = await pageOn(browser);
      await signUp(page);
      const credential = await createCredential(page, { username: "relay_app", smtpPort: server.smtpPort });
      await page.getByRole("link", { name: "Messages", exact: true }).click();
      await expect(page.getByText("No messages yet")).toBeVisible();
      await expect(page.getByTestId("not-relayed")).toHaveCount(0);
      // A marker that a reload would erase: the rows below must arrive without one.
      await page.evaluate(() => document.body.setAttribute("data-no-reload", "1"));

      sink.answer({
        rcpt: (address) => (address === "nobody@example.net" ? { code: 550, text: "5.1.1 No such user here" } : "ok"),
      });
      await sendMail(credential.username, credential.password, {
        port: server.smtpPort,
        to: ["reader@example.net", "nobody@example.net"],
        subject: "Partly deliverable",
      });
      await sink.until((received) => received.some((m) => m.raw.toString().includes("Partly deliverable")));
      expect(sink.received.at(-1)?.rcptTo).toEqual(["reader@example.net"]);

      const message = messageRow(page, "Partly deliverable");
      await expect(message.getByTestId("message-status")).toHaveText("Relayed");
      await expect(message.getByTestId("message-attempts")).toHaveText("1");
      await expect(message.getByTestId("message-reply")).toContainText("taken by the sink");
      await expect(message).toContainText("relay_app");
      await expect(message).toContainText("+1 more");
      await message.getByRole("button", { name: /Details/ }).click();
      const results = page.getByTestId("message-detail").getByTestId("recipient-result");
      await expect(results.filter({ hasText: "reader@example.net" })).toContainText("Relayed");
      await expect(results.filter({ hasText: "nobody@example.net" })).toContainText("Refused");
      await expect(results.filter({ hasText: "nobody@example.net" })).toContainText("No such user here");
      await expect(page.locator("body")).toHaveAttribute("data-no-reload", "1");
      await screenshot(page, "20-messages-relayed");

      sink.answer({ rcpt: () => "ok" });
      await sendMail(credential.username, credential.password, { port: server.smtpPort, subject: "Second one" });
      await expect(messageRow(page, "Second one").getByTestId("message-status")).toHaveText("Relayed");
      await expect(page.getByTestId("message-row").first()).toContainText("Second one");
      await expect(page.locator("body")).toHaveAttribute("data-no-reload", "1");

      // Filters live in the address, so a reload or a shared link shows the same narrowed list.
      await page.getByTestId("filter-status").selectOption("failed");
      await expect(page).toHaveURL(/status=failed/);
      await expect(page.getByText("No messages match these filters")).toBeVisible();
      await page.getByTestId("filter-status").selectOption("relayed");
      await page.getByTestId("filter-credential").selectOption({ label: "relay_app" });
      await page.reload();
      await expect(page.getByTestId("filter-status")).toHaveValue("relayed");
      await expect(page.getByTestId("message-row")).toHaveCount(2);

      await page.getByRole("link", { name: "SMTP Credentials" }).click();
      await expect(row(page, "relay_app").getByTestId("sent-24h")).toHaveText("2");
      await expect(row(page, "relay_app").getByTestId("sent-7d")).toHaveText("2");
    });

    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1280, height: 800 },
      // Wide enough for the live panel beside the credentials, which leaves the table the least room.
      { width: 1440, height: 900 },
    ]) {
      test(`at ${viewport.width} px every message's details can be read and row actions are not cut off`, async ({
        browser,
      }) => {
        const page = await pageOn(browser, viewport);
        await signUp(page);
        const credential = await createCredential(page, {
          username: `wide_${viewport.width}`,
          // A description widens the first column, as in the README's screenshot.
          description: "Nightly reports (cron)",
          smtpPort: server.smtpPort,
        });
        const subject = "A rather long subject line that has to wrap somewhere on a narrow screen";
        await sendMail(credential.username, credential.password, { port: server.smtpPort, subject });
        await expect(row(page, credential.username).getByTestId("sent-24h")).toHaveText("1");
        await expectNothingCut(page, '[data-testid="credentials-table"]');
        const actions = row(page, credential.username).getByRole("button", { name: `Delete ${credential.username}` });
        // Below the list's toolbar a phone scrolls down to the row; once there, its actions are whole on screen.
        await actions.scrollIntoViewIfNeeded();
        await expect(actions).toBeInViewport({ ratio: 0.95 });
        await screenshot(page, `21-credentials-${viewport.width}`);

        await page.goto("/messages");
        await expect(messageRow(page, subject).getByTestId("message-status")).toHaveText("Relayed");
        await expectNothingCut(page, '[data-testid="messages-table"]');
        const details = messageRow(page, subject).getByRole("button", { name: /Details/ });
        await details.scrollIntoViewIfNeeded();
        await expect(details).toBeInViewport({ ratio: 0.95 });
        await screenshot(page, `21-messages-${viewport.width}`);
      });
    }
  });
});

/**
 * The page never scrolls sideways, and no cell of `table` hides part of its content: a table wider than the screen
 * scrolls inside its own container, where everything can be reached.
 */
async function expectNothingCut(page: Page, table: string) {
  const problems = await page.evaluate((selector) => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`page is ${root.scrollWidth}px wide in ${root.clientWidth}px`);
    const element = document.querySelector(selector);
    if (!element) return ["no table"];
    const wrap = element.parentElement;
    if (wrap && wrap.scrollWidth > wrap.clientWidth && getComputedStyle(wrap).overflowX !== "auto") {
      found.push("table wider than its container, which does not scroll");
    }
    // A cell, or anything in it that clips (overflow hidden, ellipsis), showing less than its content; text only
    // for screen readers is meant to be clipped.
    for (const item of Array.from(element.querySelectorAll("td, th, td *"))) {
      if (!(item instanceof HTMLElement) || item.closest(".visually-hidden")) continue;
      const clips = item.tagName === "TD" || item.tagName === "TH" || getComputedStyle(item).overflowX !== "visible";
      if (clips && item.scrollWidth > item.clientWidth + 1) found.push(`cut: ${item.textContent}`);
    }
    return found;
  }, table);
  expect(problems).toEqual([]);
}
