import { expect, test } from "@playwright/test";
import { createCredential, invitationLink, newPage, row, screenshot, signUp } from "./support";

test.describe("API keys, members and audit log", () => {
  test("an invited viewer sees everything read-only, a newcomer signs up into the inviting organization; API keys are revealed once and revocable", async ({
    browser,
  }) => {
    // Three accounts sign up (argon2 each) and three browsers take turns: on a busy two-core machine this journey
    // has taken close to the default minute.
    test.setTimeout(120_000);
    const owner = await newPage(browser);
    const account = await signUp(owner, "Invite Co");
    await createCredential(owner, { username: "billing_mailer", description: "Billing <b>worker</b>" });
    // Descriptions are text: markup shows literally and never becomes elements.
    await expect(row(owner, "billing_mailer")).toContainText("Billing <b>worker</b>");
    await expect(row(owner, "billing_mailer").locator("b")).toHaveCount(0);

    await owner.getByRole("link", { name: "API keys" }).click();
    await expect(owner.getByText("No API keys")).toBeVisible();
    await owner.getByRole("button", { name: "Create API key" }).click();
    const keyDialog = owner.getByRole("dialog", { name: "Create API key" });
    await keyDialog.getByLabel("Name").fill("Billing service");
    await keyDialog.getByLabel("Role").selectOption("admin");
    await keyDialog.getByRole("button", { name: "Create key" }).click();
    const reveal = owner.getByRole("dialog", { name: "API key created" });
    await expect(reveal).toContainText("You will not see it again.");
    await expect(reveal.getByTestId("revealed-api-key")).toHaveValue(/^rpkey_/);
    await reveal.getByRole("button", { name: "I've saved the key" }).click();
    const keyRow = owner.getByTestId("api-key-row").filter({ hasText: "Billing service" });
    await expect(keyRow).toBeVisible();
    await expect(owner.locator("body")).not.toContainText(/rpkey_[A-Za-z0-9]{20,}/);
    await screenshot(owner, "08-api-keys");
    await keyRow.getByRole("button", { name: "Revoke" }).click();
    await owner
      .getByRole("dialog", { name: "Revoke Billing service?" })
      .getByRole("button", { name: "Revoke key" })
      .click();
    await expect(keyRow).toContainText("Revoked");

    await owner.getByRole("link", { name: "Members" }).click();
    await owner.getByRole("button", { name: "Invite by link" }).click();
    const invite = owner.getByRole("dialog", { name: "Invite by link" });
    await invite.getByLabel("Role").selectOption("viewer");
    await invite.getByRole("button", { name: "Create link" }).click();
    const link = await invite.getByTestId("invitation-link").inputValue();
    expect(link).toContain("/invite/rpinv_");
    await invite.getByRole("button", { name: "Done" }).click();

    const viewer = await newPage(browser);
    await signUp(viewer, "Viewer's own org");
    await viewer.goto(link);
    await expect(viewer.getByRole("heading", { name: "Join Invite Co" })).toBeVisible();
    await viewer.getByRole("button", { name: "Accept invitation" }).click();
    await expect(viewer.getByRole("heading", { name: "SMTP Credentials", exact: true })).toBeVisible();
    await expect(viewer.getByTestId("organization-switcher")).toHaveValue(/.+/);
    await expect(row(viewer, "billing_mailer")).toBeVisible();
    await expect(viewer.getByText("You have read-only access")).toBeVisible();
    await expect(viewer.getByRole("button", { name: "Create credential" })).toHaveCount(0);
    await expect(viewer.getByRole("button", { name: "Regenerate password of billing_mailer" })).toHaveCount(0);
    await expect(
      row(viewer, "billing_mailer").getByRole("button", { name: "Deactivate billing_mailer" }),
    ).toBeDisabled();
    await screenshot(viewer, "09-viewer-read-only");

    // Switching organization shows the other organization's data only, without a reload.
    await viewer.getByTestId("organization-switcher").selectOption({ label: "Viewer's own org" });
    await expect(viewer.getByText("No SMTP credentials yet")).toBeVisible();
    await expect(row(viewer, "billing_mailer")).toHaveCount(0);

    await owner.reload();
    const members = owner.getByTestId("member-row");
    await expect(members).toHaveCount(2);
    await screenshot(owner, "10-members");

    // A newcomer signs up through a link: no organization name is asked, and they belong to Invite Co alone.
    await owner.getByRole("button", { name: "Invite by link" }).click();
    await invite.getByLabel("Role").selectOption("viewer");
    await invite.getByRole("button", { name: "Create link" }).click();
    const newcomerLink = await invite.getByTestId("invitation-link").inputValue();
    await invite.getByRole("button", { name: "Done" }).click();
    const newcomer = await newPage(browser);
    await newcomer.goto(newcomerLink);
    await newcomer.getByRole("link", { name: "Create an account" }).click();
    await expect(newcomer.getByText("You'll join the organization that invited you.")).toBeVisible();
    await expect(newcomer.getByLabel("Organization name")).toHaveCount(0);
    await newcomer.getByLabel("Work email").fill(`newcomer-${account.email}`);
    await newcomer.getByLabel("Password").fill(account.password);
    await newcomer.getByRole("button", { name: "Create account" }).click();
    await expect(newcomer.getByText("You have read-only access")).toBeVisible();
    await expect(row(newcomer, "billing_mailer")).toBeVisible();
    await expect(newcomer.getByTestId("organization-switcher").locator('option:not([value="__new"])')).toHaveText([
      "Invite Co",
    ]);
    await owner.reload();
    await expect(members).toHaveCount(3);

    await owner.getByRole("link", { name: "Audit log" }).click();
    const audit = owner.getByTestId("audit-row");
    await expect(audit.filter({ hasText: "Joined through an invitation" })).toHaveCount(2);
    await expect(audit.filter({ hasText: "Created SMTP credential" })).toContainText(account.email);
    await screenshot(owner, "11-audit-log");
  });

  test("signing up with a taken address creates nothing and answers like a wrong password; with the right one the link waits to be accepted, and an admin cannot remove an owner", async ({
    browser,
  }) => {
    const owner = await newPage(browser);
    const ownerAccount = await signUp(owner, "Consent Co");
    const link = await invitationLink(owner, "admin");
    await expect(owner.getByRole("button", { name: /add member/i })).toHaveCount(0);

    const existing = await signUp(await newPage(browser), "Existing's own");
    const page = await newPage(browser);
    await page.goto(link);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Work email").fill(existing.email);
    await page.getByLabel("Password").fill("not-the-owners-password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Email or password is incorrect")).toBeVisible();
    await owner.reload();
    await expect(owner.getByTestId("member-row")).toHaveCount(1);

    await page.getByLabel("Password").fill(existing.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Join Consent Co" })).toBeVisible();
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await expect(page.getByRole("heading", { name: "SMTP Credentials", exact: true })).toBeVisible();
    await expect(page.getByTestId("organization-switcher").locator('option:not([value="__new"])')).toHaveText([
      "Consent Co",
      "Existing's own",
    ]);

    await page.getByRole("link", { name: "Members" }).click();
    const ownerRow = page.getByTestId("member-row").filter({ hasText: ownerAccount.email });
    await expect(ownerRow).toBeVisible();
    await expect(ownerRow.getByRole("button", { name: "Remove" })).toHaveCount(0);
    await page.getByRole("button", { name: "Invite by link" }).click();
    await expect(page.getByRole("dialog", { name: "Invite by link" }).locator('option[value="owner"]')).toHaveCount(0);
  });

  test("an existing account follows a link, signs in, and is brought back to the invitation to accept it", async ({
    browser,
  }) => {
    const owner = await newPage(browser);
    await signUp(owner, "Sign-in Co");
    await owner.getByRole("link", { name: "Members" }).click();
    await owner.getByRole("button", { name: "Invite by link" }).click();
    const invite = owner.getByRole("dialog", { name: "Invite by link" });
    await invite.getByRole("button", { name: "Create link" }).click();
    const link = await invite.getByTestId("invitation-link").inputValue();

    const existing = await signUp(await newPage(browser));
    const page = await newPage(browser);
    await page.goto(link);
    await page.getByRole("link", { name: "Sign in to accept" }).click();
    await page.getByLabel("Email").fill(existing.email);
    await page.getByLabel("Password").fill(existing.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Join Sign-in Co" })).toBeVisible();
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await expect(page.getByRole("heading", { name: "SMTP Credentials", exact: true })).toBeVisible();
  });

  test("works at phone width, shows refusals where they belong, and signs out", async ({ browser }) => {
    const page = await newPage(browser, { width: 390, height: 844 });
    await signUp(page);
    await createCredential(page, { username: "phone_app", description: "Mobile backend" });
    await expect(row(page, "phone_app")).toBeVisible();
    // A refusal naming a field is shown beside that field, and the dialog keeps what was typed.
    await page.getByRole("button", { name: "Create credential" }).first().click();
    const again = page.getByRole("dialog", { name: "Create SMTP credential" });
    await again.getByLabel("Username").fill("phone_app");
    await again.getByRole("button", { name: "Create", exact: true }).click();
    await expect(again.getByText('The username "phone_app" is already taken')).toBeVisible();
    await expect(again.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
    await again.getByRole("button", { name: "Cancel" }).click();
    await expect(again).toHaveCount(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "12-phone");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await screenshot(page, "13-sign-in");
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("not-a-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Email or password is incorrect")).toBeVisible();
    await page.goto("/settings/smtp-credentials");
    await expect(page).toHaveURL(/\/signin\?next=/);
  });
});
