import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { newPage, row, signUp, smtpLogin } from "./support";

// One account for the file: 52 bulk credentials, one used over SMTP and one deactivated, 54 in all: two pages of 50.
const BULK = Array.from({ length: 52 }, (_, i) => `bulk_${String(i).padStart(2, "0")}`);
const TOTAL = BULK.length + 2;

test.describe.configure({ mode: "serial" });

test.describe("The credentials list at scale", () => {
  let page: Page;

  test.beforeAll(async ({ browser }, testInfo) => {
    // 54 creates, each hashing a new password: more than one test's budget on a busy CI machine.
    testInfo.setTimeout(testInfo.timeout * 4);
    page = await newPage(browser);
    await signUp(page);
    const key = await createApiKey(page);
    const headers = { authorization: `Bearer ${key}` };
    const create = async (username: string) => {
      const answer = await page.request.post("/api/v1/credentials", { headers, data: { username } });
      expect(answer.ok()).toBe(true);
      return (await answer.json()) as { credential: { id: string }; password: string };
    };
    // Created through the REST API, which is far faster than the dialog; in order, so "created" has an order.
    for (const username of BULK) await create(username);
    const used = await create("used_app");
    expect(await smtpLogin("used_app", used.password)).toEqual({ ok: true });
    const off = await create("off_app");
    const deactivated = await page.request.post(`/api/v1/credentials/${off.credential.id}/deactivate`, { headers });
    expect(deactivated.ok()).toBe(true);
    await page.getByRole("link", { name: "SMTP Credentials" }).click();
  });

  const rows = () => page.getByTestId("credential-row");
  const total = () => page.getByTestId("list-total");
  const header = (name: string) => page.getByRole("columnheader", { name: new RegExp(`^${name}`) });
  const sortBy = (name: string) => header(name).getByRole("button");
  const show = () => page.getByLabel("Show", { exact: true });
  /** Back to the plain list, as the navigation link leaves it: no search, no filter, newest first. */
  const home = async () => {
    await page.getByRole("link", { name: "SMTP Credentials" }).click();
    await expect(page).toHaveURL(/\/settings\/smtp-credentials$/);
  };

  test("says how many are shown of how many, as a sentence, and loads the rest", async () => {
    await expect(total()).toHaveText(`Showing 50 of ${TOTAL} credentials`);
    await expect(rows()).toHaveCount(50);
    await page.getByRole("button", { name: "Load 50 more" }).click();
    await expect(rows()).toHaveCount(TOTAL);
    await expect(total()).toHaveText(`Showing ${TOTAL} of ${TOTAL} credentials`);
  });

  test("sorts by username, last used and created, each both ways", async () => {
    // Newest first by default.
    await expect(rows().first()).toHaveAttribute("data-username", "off_app");
    await expect(header("Created")).toHaveAttribute("aria-sort", "descending");

    await sortBy("Username").click();
    await expect(page).toHaveURL(/sort=username&order=asc|order=asc&sort=username/);
    await expect(header("Username")).toHaveAttribute("aria-sort", "ascending");
    await expect(rows().first()).toHaveAttribute("data-username", "bulk_00");
    await expect(rows().nth(1)).toHaveAttribute("data-username", "bulk_01");
    await sortBy("Username").click();
    await expect(header("Username")).toHaveAttribute("aria-sort", "descending");
    await expect(rows().first()).toHaveAttribute("data-username", "used_app");
    await expect(rows().nth(1)).toHaveAttribute("data-username", "off_app");

    await sortBy("Last used").click();
    await expect(header("Last used")).toHaveAttribute("aria-sort", "descending");
    await expect(rows().first()).toHaveAttribute("data-username", "used_app");
    await sortBy("Last used").click();
    await expect(header("Last used")).toHaveAttribute("aria-sort", "ascending");
    // Never used counts as the oldest use, so the one login sorts after the 53 others: on the second page.
    await expect(rows()).toHaveCount(50);
    await expect(row(page, "used_app")).toHaveCount(0);
    await page.getByRole("button", { name: "Load 50 more" }).click();
    await expect(rows().last()).toHaveAttribute("data-username", "used_app");
    await expect(rows()).toHaveCount(TOTAL);

    await sortBy("Created").click();
    await expect(header("Created")).toHaveAttribute("aria-sort", "descending");
    await expect(rows().first()).toHaveAttribute("data-username", "off_app");
    await sortBy("Created").click();
    await expect(header("Created")).toHaveAttribute("aria-sort", "ascending");
    await expect(rows().first()).toHaveAttribute("data-username", "bulk_00");
    await expect(rows().nth(1)).toHaveAttribute("data-username", "bulk_01");
  });

  test("filters: active, inactive, never used, unused for 30 days, password older than 90 days", async () => {
    await show().selectOption({ label: "Inactive" });
    await expect(page).toHaveURL(/filter=inactive/);
    await expect(total()).toHaveText("Showing 1 of 1 inactive credential");
    await expect(rows()).toHaveCount(1);
    await expect(rows().first()).toHaveAttribute("data-username", "off_app");

    await show().selectOption({ label: "Active" });
    await expect(total()).toHaveText(`Showing 50 of ${TOTAL - 1} active credentials`);
    await expect(row(page, "off_app")).toHaveCount(0);

    await show().selectOption({ label: "Never used" });
    await expect(total()).toHaveText(`Showing 50 of ${TOTAL - 1} never-used credentials`);
    await expect(row(page, "used_app")).toHaveCount(0);

    // Every credential here is minutes old, so none is stale yet (the server's tests cover stale ones).
    for (const label of ["Unused for 30 days", "Password older than 90 days"]) {
      await show().selectOption({ label });
      await expect(page.getByText("No matching credentials")).toBeVisible();
      await expect(rows()).toHaveCount(0);
    }

    await show().selectOption({ label: "All credentials" });
    await expect(page).not.toHaveURL(/filter=/);
    await expect(total()).toHaveText(`Showing 50 of ${TOTAL} credentials`);
  });

  test("the search, filter and order survive a reload, and Back restores the previous order", async () => {
    await page.getByRole("searchbox", { name: "Search credentials" }).fill("bulk_1");
    await expect(page).toHaveURL(/q=bulk_1/);
    await show().selectOption({ label: "Active" });
    await sortBy("Username").click();
    await sortBy("Username").click();
    await expect(total()).toHaveText("Showing 10 of 10 active credentials matching “bulk_1”");
    await expect(rows().first()).toHaveAttribute("data-username", "bulk_19");

    await page.reload();
    await expect(page.getByRole("searchbox", { name: "Search credentials" })).toHaveValue("bulk_1");
    await expect(show()).toHaveValue("active");
    await expect(header("Username")).toHaveAttribute("aria-sort", "descending");
    await expect(total()).toHaveText("Showing 10 of 10 active credentials matching “bulk_1”");
    await expect(rows().first()).toHaveAttribute("data-username", "bulk_19");

    await page.goBack();
    await expect(header("Username")).toHaveAttribute("aria-sort", "ascending");
    await expect(rows().first()).toHaveAttribute("data-username", "bulk_10");
    await expect(page.getByRole("searchbox", { name: "Search credentials" })).toHaveValue("bulk_1");
  });

  test("exports every page of the current filter as CSV, without secrets", async () => {
    await home();
    await show().selectOption({ label: "Never used" });
    await expect(total()).toHaveText(`Showing 50 of ${TOTAL - 1} never-used credentials`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^relaypost-credentials-neverUsed-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path()) ?? "", "utf8");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "Username,Description,Status,Last used,Created,Password changed,Expires,Allowed senders,Allowed IPs,ID",
    );
    // All 53, not the 50 loaded; the used one is not in this filter.
    expect(lines).toHaveLength(TOTAL);
    expect(lines.map((line) => line.split(",")[0]).sort()).toEqual([...BULK, "off_app", "Username"].sort());
    expect(csv).not.toMatch(/rpsmtp_|argon2|\$/);
  });

  test("deactivating asks first, naming what stops; Cancel leaves it active", async () => {
    await home();
    await row(page, "bulk_07").getByRole("button", { name: "Deactivate bulk_07", exact: true }).click();
    const confirm = page.getByRole("dialog", { name: "Deactivate bulk_07?" });
    await expect(confirm.getByTestId("deactivate-consequences")).toHaveText(
      "bulk_07 will stop authenticating. Applications using it will get 535 5.7.8 Authentication credentials invalid " +
        "until it is activated again; sessions open now are closed. Its password and settings are kept.",
    );
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(row(page, "bulk_07").getByTestId("status")).toHaveText("Active");
    await expect(row(page, "bulk_07").getByRole("button", { name: "Deactivate bulk_07", exact: true })).toBeVisible();
  });

  test("every row action has its own name, naming its credential", async () => {
    const names = await page
      .getByTestId("credentials-table")
      .locator("tbody button")
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label") ?? ""));
    expect(names).toHaveLength(50 * 4);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      "Deactivate bulk_07",
      "Show activity of bulk_07",
      "Regenerate password of bulk_07",
      "Delete bulk_07",
    ]) {
      await expect(page.getByRole("button", { name, exact: true })).toHaveCount(1);
    }
  });

  test("after a delete, focus goes to the next row, else the previous one, else the create button", async () => {
    const remove = async (username: string) => {
      await row(page, username)
        .getByRole("button", { name: `Delete ${username}`, exact: true })
        .click();
      await page
        .getByRole("dialog", { name: `Delete ${username}?` })
        .getByRole("button", { name: "Delete credential" })
        .click();
      await expect(row(page, username)).toHaveCount(0);
    };
    // Newest first: after bulk_10 comes bulk_09.
    await remove("bulk_10");
    await expect(row(page, "bulk_09").getByRole("button", { name: "Show activity of bulk_09" })).toBeFocused();

    await page.getByRole("searchbox", { name: "Search credentials" }).fill("bulk_5");
    await expect(rows()).toHaveCount(2);
    await remove("bulk_50");
    await expect(row(page, "bulk_51").getByRole("button", { name: "Show activity of bulk_51" })).toBeFocused();
    await remove("bulk_51");
    await expect(page.getByRole("button", { name: "Create credential" }).first()).toBeFocused();
  });
});

/** An admin API key, made on the API keys page as a person would, for the REST calls that fill the list. */
async function createApiKey(page: Page): Promise<string> {
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByRole("button", { name: "Create API key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill("List filler");
  await dialog.getByLabel("Role").selectOption("admin");
  await dialog.getByRole("button", { name: "Create key" }).click();
  const reveal = page.getByRole("dialog", { name: "API key created" });
  const key = await reveal.getByTestId("revealed-api-key").inputValue();
  await reveal.getByRole("button", { name: "I've saved the key" }).click();
  return key;
}
