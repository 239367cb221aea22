import { expect, test } from "@playwright/test";
import { createCredential, newPage, signUp, smtpLogin } from "./support";

test.describe("SMTP login blocks", () => {
  test("an address blocked after failed logins is listed for the organization, lifted by an admin, and audited", async ({
    browser,
  }) => {
    // The server's own throttle: its delays grow with each failure, about 24 s for the ten it takes.
    test.setTimeout(120_000);
    const page = await newPage(browser);
    await signUp(page);
    const misconfigured = await createCredential(page, { description: "Billing app" });
    const credential = await createCredential(page, { description: "Newsletter app" });

    // An application with the right password but the wrong usernames: each a distinct failed login.
    for (let n = 0; n < 10; n++) {
      expect(await smtpLogin(`wrong_user_${n}`, misconfigured.password)).toMatchObject({ ok: false, code: 535 });
    }
    // The organization's other application, from the same address, is refused until the block ends.
    expect(await smtpLogin(credential.username, credential.password)).toMatchObject({ ok: false, code: 421 });

    const blocks = page.getByRole("region", { name: "Blocked addresses" });
    await expect(blocks.getByTestId("login-blocks")).toContainText("127.0.0.1");
    await expect(blocks).toContainText("10 failed logins");
    await blocks.getByRole("button", { name: "Lift block" }).click();
    await expect(blocks).toBeHidden();
    expect(await smtpLogin(credential.username, credential.password)).toEqual({ ok: true });

    await page.getByRole("link", { name: "Audit log" }).click();
    // In the log's rows: the action menu above them has an option of the same words.
    await expect(
      page.getByTestId("audit-row").filter({ hasText: "Lifted an SMTP login block on an address" }),
    ).toBeVisible();
    await expect(page.getByRole("row", { name: /Lifted an SMTP login block/ })).toContainText("127.0.0.1");
  });
});
