import { type Browser, expect, type Page, test } from "@playwright/test";
import { invitationLink, newPage, signUp } from "./support";

/** A page of its own browser context that records uncaught page errors. */
async function watchedPage(browser: Browser) {
  const page = await newPage(browser);
  const errors: Error[] = [];
  page.on("pageerror", (error) => errors.push(error));
  return { page, errors };
}

test.describe("invitations", () => {
  let owner: Page;
  let organization: string;

  test.beforeAll(async ({ browser }) => {
    owner = await newPage(browser);
    organization = (await signUp(owner, `Twin Co ${Date.now()}`)).organization;
  });
  test.afterAll(() => owner.context().close());

  test("a signed-out visitor sees the organization and role, joins as a new user, and the link is then spent", async ({
    browser,
  }) => {
    // Two browsers and an argon2 sign-up on a busy two-core machine: more than the default minute.
    test.setTimeout(120_000);
    const link = await invitationLink(owner, "viewer");
    const { page: visitor, errors } = await watchedPage(browser);
    await visitor.goto(link);
    await expect(visitor.getByRole("heading", { name: `Join ${organization}` })).toBeVisible();
    const preview = visitor.getByTestId("invitation-preview");
    await expect(preview).toContainText("viewer");
    await expect(preview).toContainText("Ada Admin");
    await expect(preview.locator(".org-slug")).toHaveText(/^twin-co/);

    await visitor.getByRole("link", { name: "Create an account" }).click();
    await visitor.getByLabel("Your name").fill("Nina Newcomer");
    await visitor.getByLabel("Work email").fill(`newcomer-${Date.now()}@example.com`);
    await visitor.getByLabel("Password").fill("newcomer-password");
    await visitor.getByRole("button", { name: "Create account" }).click();
    await expect(visitor.getByRole("heading", { name: "SMTP Credentials", exact: true })).toBeVisible();
    await expect(visitor.getByTestId("organization-switcher").locator("option:checked")).toHaveText(organization);

    const { page: late } = await watchedPage(browser);
    await late.goto(link);
    await expect(late.getByRole("heading", { name: /already used/ })).toBeVisible();
    await expect(late.getByRole("link", { name: "Create an account" })).toHaveCount(0);
    await late.goto("/invite/rpinv_not-a-real-link");
    await expect(late.getByRole("heading", { name: /not valid/ })).toBeVisible();
    expect(errors).toEqual([]);
    await late.context().close();
    await visitor.context().close();
  });

  test("a signed-in user opening a used link is told so, with no page error", async ({ browser }) => {
    test.setTimeout(120_000);
    const link = await invitationLink(owner, "admin");
    const { page: joiner, errors } = await watchedPage(browser);
    await signUp(joiner);
    await joiner.goto(link);
    await joiner.getByRole("button", { name: "Accept invitation" }).click();
    await expect(joiner.getByRole("heading", { name: "SMTP Credentials", exact: true })).toBeVisible();
    await joiner.goto(link);
    await expect(joiner.getByTestId("invitation-unusable")).toHaveAttribute("data-reason", "used");
    await expect(joiner.getByRole("heading", { name: /already used/ })).toBeVisible();
    await expect(joiner.getByRole("link", { name: "Go to SMTP Credentials" })).toBeVisible();
    expect(errors).toEqual([]);
    await joiner.context().close();
  });

  test("two organizations with the same name show distinct slugs in the switcher and on the Members page", async () => {
    await owner.getByTestId("organization-switcher").selectOption("__new");
    const dialog = owner.getByRole("dialog", { name: "New organization" });
    await dialog.getByLabel("Organization name").fill(organization);
    await dialog.getByRole("button", { name: "Create organization" }).click();
    await expect(dialog).toBeHidden();
    const options = owner.getByTestId("organization-switcher").locator('option:not([value="__new"])');
    await expect(options).toHaveCount(2);
    const labels = await options.allTextContents();
    expect(new Set(labels).size).toBe(2);
    for (const label of labels) expect(label).toMatch(new RegExp(`^${organization} \\(twin-co[\\w-]*\\)$`));
    const slug = await owner.getByTestId("organization-slug").textContent();
    expect(labels).toContain(`${organization} (${slug})`);
    await owner.getByRole("link", { name: "Members" }).click();
    await expect(owner.getByTestId("organization-cli")).toContainText(`--org ${slug}`);
  });
});
