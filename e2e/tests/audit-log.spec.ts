import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { type Account, createCredential, newPage, screenshot, signUp } from "./support";

type Credential = { id: string; username: string };

/** Today and the days around it in the browser's time zone, as a date input takes them (YYYY-MM-DD). */
const localDay = (page: Page, offsetDays: number) =>
  page.evaluate((offset) => {
    const day = new Date();
    day.setDate(day.getDate() + offset);
    return day.toLocaleDateString("en-CA");
  }, offsetDays);

test.describe("Audit log", () => {
  test.describe.configure({ mode: "serial" });
  let page: Page;
  let account: Account;

  /** One account whose log has entries by its member and by an API key, shared by the tests below. */
  test.beforeAll(async ({ browser }, testInfo) => {
    // Two credentials, an API key and three REST calls: more than one test's time on a loaded machine.
    testInfo.setTimeout(180_000);
    page = await newPage(browser, { width: 1366, height: 900 });
    account = await signUp(page);
    await createCredential(page, { username: "rails_production" });
    await createCredential(page, { username: "billing_app" });

    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("button", { name: "Create API key" }).click();
    const keyDialog = page.getByRole("dialog", { name: "Create API key" });
    await keyDialog.getByLabel("Name").fill("Deploy bot");
    await keyDialog.getByLabel("Role").selectOption("admin");
    await keyDialog.getByRole("button", { name: "Create key" }).click();
    const reveal = page.getByRole("dialog", { name: "API key created" });
    const token = await reveal.getByTestId("revealed-api-key").inputValue();
    await reveal.getByRole("button", { name: "I've saved the key" }).click();

    // The API key deactivates one credential, and creates and deletes another, over REST.
    const headers = { authorization: `Bearer ${token}` };
    const listed = await page.request.get("/api/v1/credentials?search=rails_production", { headers });
    const [rails] = ((await listed.json()) as { items: Credential[] }).items;
    expect((await page.request.post(`/api/v1/credentials/${rails?.id}/deactivate`, { headers })).ok()).toBe(true);
    const created = await page.request.post("/api/v1/credentials", { headers, data: { username: "rails_staging" } });
    const staging = ((await created.json()) as { credential: Credential }).credential;
    expect((await page.request.delete(`/api/v1/credentials/${staging.id}`, { headers })).ok()).toBe(true);

    await page.getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  });
  test.afterAll(() => page.context().close());

  const rows = () => page.getByTestId("audit-row");
  const targets = () => rows().getByTestId("audit-target");
  const clear = async () => {
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/settings\/audit-log$/);
  };

  test("shows every entry with the total as a sentence", async () => {
    await expect(targets()).toHaveText([
      "rails_staging",
      "rails_staging",
      "rails_production",
      /Deploy bot/,
      "billing_app",
      "rails_production",
      /.*/,
    ]);
    await expect(page.getByTestId("audit-footer")).toHaveText("Showing all 7 entries");
  });

  test("filters by actor: the API key's entries only, from a list of the log's actors", async () => {
    const actor = page.getByLabel("Actor");
    await expect(actor.getByRole("option")).toHaveText(["Anyone", account.email, 'API key "Deploy bot"']);
    await actor.selectOption({ label: 'API key "Deploy bot"' });
    await expect(page).toHaveURL(/actor=api_key%3A/);
    await expect(targets()).toHaveText(["rails_staging", "rails_staging", "rails_production"]);
    await expect(rows().getByTestId("audit-actor")).toHaveText(Array(3).fill('API key "Deploy bot" (API)'));
    await expect(page.getByTestId("audit-footer")).toHaveText("Showing all 3 entries that match the filters");
    await clear();
  });

  test("filters by action", async () => {
    await page.getByLabel("Action").selectOption({ label: "Deactivated SMTP credential" });
    await expect(page).toHaveURL(/action=credential.deactivated/);
    await expect(rows()).toHaveText([/Deactivated SMTP credential\s*rails_production/]);
    await expect(page.getByTestId("audit-footer")).toHaveText("Showing the only entry that matches the filters");
    await clear();
  });

  test("filters by target text", async () => {
    await page.getByLabel("Target").fill("RAILS_");
    await page.getByLabel("Target").press("Enter");
    await expect(page).toHaveURL(/target=RAILS_/);
    await expect(targets()).toHaveText(["rails_staging", "rails_staging", "rails_production", "rails_production"]);
    await clear();
  });

  test("filters by days, and says so when the range is reversed", async () => {
    const [yesterday, today, tomorrow] = await Promise.all([localDay(page, -1), localDay(page, 0), localDay(page, 1)]);
    await page.getByLabel("From", { exact: true }).fill(tomorrow);
    await expect(page.getByText("No entries match these filters")).toBeVisible();
    await page.getByLabel("From", { exact: true }).fill(today);
    await expect(rows()).toHaveCount(7);
    await page.getByLabel("To", { exact: true }).fill(yesterday);
    await expect(page.getByRole("alert")).toHaveText("“To” is before “From”, so only “From” applies.");
    await expect(page.getByLabel("To", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(rows()).toHaveCount(7);
    await page.getByLabel("From", { exact: true }).fill(yesterday);
    await expect(page.getByText("No entries match these filters")).toBeVisible();
    await clear();
  });

  test("keeps the filters in the URL: a reload shows the same filtered log", async () => {
    await page.getByLabel("Actor").selectOption({ label: 'API key "Deploy bot"' });
    await page.getByLabel("Action").selectOption({ label: "Deleted SMTP credential" });
    await expect(targets()).toHaveText(["rails_staging"]);
    const url = page.url();
    await page.reload();
    expect(page.url()).toBe(url);
    await expect(page.getByLabel("Actor")).toHaveValue(/^api_key:/);
    await expect(page.getByLabel("Action")).toHaveValue("credential.deleted");
    await expect(targets()).toHaveText(["rails_staging"]);
    await screenshot(page, "audit-log-filtered");
    await clear();
  });

  test("exports what the filter matches as CSV", async () => {
    await page.getByLabel("Target").fill("rails_");
    await page.getByLabel("Target").press("Enter");
    await expect(rows()).toHaveCount(4);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile(await download.path(), "utf8")).trimEnd().split("\r\n");
    expect(lines[0]).toBe("Time,Actor,Actor type,Action,Description,Target type,Target ID,Target,Address,Details");
    const actionAndTarget = lines.slice(1).map((line) => {
      const cells = line.split(",");
      return `${cells[3]} ${cells[7]}`;
    });
    expect(actionAndTarget).toEqual([
      "credential.deleted rails_staging",
      "credential.created rails_staging",
      "credential.deactivated rails_production",
      "credential.created rails_production",
    ]);
    expect(lines.join("\n")).not.toMatch(/rpsmtp_|rpkey_/);
  });
});
