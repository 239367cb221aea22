import { expect, test } from "@playwright/test";
import { type RunningServer, startServer } from "../server";
import { invitationLink, signUp } from "./support";

const REFUSAL = "Sign-up needs an invitation on this server";

test.describe("REGISTRATION=invite", () => {
  let server: RunningServer;

  test.beforeAll(async () => {
    server = await startServer({ script: ["relaypost", "serve"], env: { REGISTRATION: "invite" } });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("the first owner signs up, then strangers are refused with the reason and an invitation still admits a newcomer", async ({
    browser,
  }) => {
    // Two sign-ups (argon2 each) on a server of its own, in three browsers.
    test.setTimeout(120_000);
    const pageOf = async () => (await browser.newContext({ baseURL: server.baseUrl })).newPage();

    const owner = await pageOf();
    await owner.goto("/signin");
    await expect(owner.getByRole("link", { name: "Create an account" })).toBeVisible();
    const account = await signUp(owner, "Invite Only Co");

    const stranger = await pageOf();
    await stranger.goto("/signin");
    await expect(stranger.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(stranger.getByTestId("sign-up-refused")).toHaveCount(0);
    await expect(stranger.getByRole("link", { name: "Create an account" })).toHaveCount(0);
    await stranger.goto("/signup");
    await expect(stranger.getByTestId("sign-up-refused")).toContainText(REFUSAL);
    await expect(stranger.getByRole("button", { name: "Create account" })).toHaveCount(0);
    // The server decides, not the page: a sign-up sent anyway is refused with the same words.
    const refused = await stranger.request.post("/trpc/auth.signUp", {
      data: { json: { email: "stranger@example.com", password: "stranger-password", organizationName: "Mine" } },
    });
    expect(refused.status()).toBe(403);
    expect(JSON.stringify(await refused.json())).toContain(REFUSAL);

    const link = await invitationLink(owner, "viewer");
    const newcomer = await pageOf();
    await newcomer.goto(link);
    await newcomer.getByRole("link", { name: "Create an account" }).click();
    await expect(newcomer.getByText("You'll join the organization that invited you.")).toBeVisible();
    await newcomer.getByLabel("Work email").fill(`newcomer-${account.email}`);
    await newcomer.getByLabel("Password").fill(account.password);
    await newcomer.getByRole("button", { name: "Create account" }).click();
    await expect(newcomer.getByText("You have read-only access")).toBeVisible();
    await expect(newcomer.getByTestId("organization-switcher").locator('option:not([value="__new"])')).toHaveText([
      "Invite Only Co",
    ]);
  });
});

test.describe("REGISTRATION=closed", () => {
  let server: RunningServer;

  test.beforeAll(async () => {
    server = await startServer({ script: ["relaypost", "serve"], env: { REGISTRATION: "closed" } });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("after the first owner, an invitation offers only signing in, and its sign-up page says why", async ({
    browser,
  }) => {
    const pageOf = async () => (await browser.newContext({ baseURL: server.baseUrl })).newPage();
    const owner = await pageOf();
    await signUp(owner, "Closed Co");
    const link = await invitationLink(owner, "viewer");

    const invitee = await pageOf();
    await invitee.goto(link);
    await expect(invitee.getByTestId("sign-up-refused")).toContainText(
      "Sign-up is closed on this server; ask its operator for an account. Sign in with an existing account",
    );
    await expect(invitee.getByRole("link", { name: "Sign in to accept" })).toBeVisible();
    await expect(invitee.getByRole("link", { name: "Create an account" })).toHaveCount(0);
    await invitee.goto(`/signup?next=${encodeURIComponent(new URL(link).pathname)}`);
    await expect(invitee.getByTestId("sign-up-refused")).toContainText(
      "To accept your invitation, sign in with an existing account.",
    );
    await expect(invitee.getByRole("button", { name: "Create account" })).toHaveCount(0);
  });
});
