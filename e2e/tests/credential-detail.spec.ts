import { expect, type Page, test } from "@playwright/test";
import { createCredential, newPage, row, screenshot, sendMail, signUp, smtpLogin } from "./support";

const USERNAME = "detail_app";
const LIBRARIES = [".env", "Nodemailer", "Rails ActionMailer", "Django", "Python smtplib", "PHPMailer"];

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Today's row of the chart's table: the day, accepted, refused. */
const today = (page: Page) => page.getByTestId("login-activity-table").locator("tbody tr").last();

test.describe("a credential's detail page", () => {
  // One signed-up account for the whole file: each test continues on the page the previous one left.
  test.describe.configure({ mode: "serial" });
  let page: Page;
  let password = "";

  test.beforeAll(async ({ browser }) => {
    page = await newPage(browser, { width: 1280, height: 900 });
    await signUp(page);
    ({ password } = await createCredential(page, { username: USERNAME, description: "Billing worker" }));
    await row(page, USERNAME).getByRole("link", { name: USERNAME }).click();
    await expect(page.getByRole("heading", { level: 1, name: USERNAME })).toBeVisible();
  });
  test.afterAll(() => page.context().close());

  test("an admin edits the description and it persists after a reload", async () => {
    await expect(page.getByTestId("credential-description")).toHaveText("Billing worker");
    await page.getByRole("button", { name: "Edit description" }).click();
    const field = page.getByLabel("Description");
    await expect(field).toBeFocused();
    await field.fill("Invoices worker, production");
    await page.getByRole("button", { name: "Save description" }).click();
    await expect(page.getByTestId("credential-description")).toHaveText("Invoices worker, production");
    await expect(page.getByRole("button", { name: "Edit description" })).toBeFocused();
    await page.reload();
    await expect(page.getByTestId("credential-description")).toHaveText("Invoices worker, production");
  });

  test("a login shows its address and method and counts as accepted; a wrong password counts as refused", async () => {
    await expect(page.getByTestId("last-login")).toHaveText("No successful login yet.");
    await expect(page.getByTestId("chart-accepted")).toHaveText("0 accepted");

    expect(await smtpLogin(USERNAME, password)).toEqual({ ok: true });
    await expect(page.getByTestId("last-login")).toContainText(/AUTH (PLAIN|LOGIN) from (::ffff:)?127\.0\.0\.1/);
    await expect(page.getByTestId("chart-accepted")).toHaveText("1 accepted");
    await expect(today(page).locator("td")).toHaveText(["1", "0"]);

    const wrong = await smtpLogin(USERNAME, `${password.slice(0, -1)}${password.endsWith("a") ? "b" : "a"}`);
    expect(wrong.ok).toBe(false);
    await expect(page.getByTestId("chart-rejected")).toHaveText("1 rejected");
    await expect(today(page).locator("td")).toHaveText(["1", "1"]);

    // Read from the server, not only heard live.
    await page.reload();
    await expect(page.getByTestId("last-login")).toContainText(/AUTH (PLAIN|LOGIN) from/);
    await expect(page.getByTestId("chart-accepted")).toHaveText("1 accepted");
    await expect(page.getByTestId("chart-rejected")).toHaveText("1 rejected");
  });

  test("each connection setting's copy button copies it", async () => {
    const settings = page.getByRole("region", { name: "Connection settings" });
    for (const [label, expected] of [
      ["Host", await settings.getByLabel("Host", { exact: true }).inputValue()],
      ["Port", process.env.E2E_SMTP_PORT ?? ""],
      ["Username", USERNAME],
    ] as const) {
      await expect(settings.getByLabel(label, { exact: true })).toHaveValue(expected);
      await settings.getByRole("button", { name: `Copy ${label.toLowerCase()}`, exact: true }).click();
      await expect(settings.getByRole("button", { name: `Copied ${label.toLowerCase()}`, exact: true })).toBeVisible();
      expect(await clipboard(page)).toBe(expected);
    }
    expect(await settings.getByLabel("Host", { exact: true }).inputValue()).not.toBe("");
    await expect(settings.getByLabel("Security", { exact: true })).toHaveValue(/STARTTLS/);
  });

  test("every snippet names the settings, copies as shown and never holds the password", async () => {
    const settings = page.getByRole("region", { name: "Connection settings" });
    const snippet = settings.getByTestId("connection-snippet");
    for (const library of LIBRARIES) {
      await settings.getByLabel("Library").selectOption({ label: library });
      await expect(snippet).toContainText(USERNAME);
      await expect(snippet).toContainText(process.env.E2E_SMTP_PORT ?? "");
      await expect(snippet).toContainText("SMTP_PASSWORD");
      const shown = (await snippet.textContent()) ?? "";
      expect(shown).not.toContain(password);
      await settings.getByRole("button", { name: `Copy ${library} snippet` }).click();
      await expect(settings.getByRole("button", { name: `Copied ${library} snippet` })).toBeVisible();
      const copied = await clipboard(page);
      expect(copied).toBe(shown);
      expect(copied).not.toContain(password);
    }
  });

  test("its latest messages are listed, with a link to all of them on the Messages page", async () => {
    await sendMail(USERNAME, password, { subject: "Invoice 42" });
    const messages = page.getByRole("region", { name: "Latest messages" });
    await expect(messages.getByTestId("message-row")).toHaveCount(1);
    await expect(messages.getByTestId("message-row")).toContainText("Invoice 42");
    await expectNoSidewaysScroll(page);
    await screenshot(page, "45-credential-detail-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await screenshot(page, "46-credential-detail-390");
    await page.setViewportSize({ width: 1280, height: 900 });

    await messages.getByRole("link", { name: `All messages of ${USERNAME}` }).click();
    await expect(page).toHaveURL(/\/messages\?credential=[0-9a-f-]{36}/);
    await expect(page.getByTestId("message-row")).toHaveCount(1);
  });
});
