import { expect, test } from "@playwright/test";
import { createCredential, deactivate, newPage, row, signUp, smtpLogin } from "./support";

test.describe("Last used, live", () => {
  test("deactivating right after a login keeps the login's time; the answer read before it was written does not win", async ({
    browser,
  }) => {
    const page = await newPage(browser);
    await signUp(page);
    const credential = await createCredential(page, { username: "fresh_login" });
    const lastUsed = row(page, "fresh_login").getByTestId("last-used");
    const activate = row(page, "fresh_login").getByRole("button", { name: "Activate fresh_login", exact: true });
    await expect(lastUsed).toHaveText("Never");

    expect(await smtpLogin(credential.username, credential.password)).toEqual({ ok: true });
    // Shown from the live event; the server writes the time to the database up to a second later.
    await expect(lastUsed).toHaveText("just now");
    await deactivate(page, "fresh_login");

    // The answer to the deactivation settled and the live deactivation arrived: the login's time stays.
    await expect(activate).toBeEnabled();
    await expect(row(page, "fresh_login").getByTestId("status")).toHaveText("Inactive");
    await expect(lastUsed).toHaveText("just now");

    // The next live update (the refused login of the deactivated credential) leaves it too.
    expect(await smtpLogin(credential.username, credential.password)).toMatchObject({ ok: false, code: 535 });
    const rejected = page.locator('[data-testid="feed-item"][data-event="auth.rejected"]');
    await expect(rejected.getByTestId("feed-reason")).toHaveText("Credential is deactivated");
    await expect(lastUsed).toHaveText("just now");
  });
});
