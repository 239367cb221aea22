import { expect, test } from "@playwright/test";
import { createCredential, newPage, signUp } from "./support";

test.describe("browser hardening", () => {
  test("the dashboard works under its Content-Security-Policy: live socket, dialogs, every page, no violation", async ({
    browser,
  }) => {
    const page = await newPage(browser);
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) violations.push(message.text());
    });
    page.on("pageerror", (error) => violations.push(error.message));

    const response = await page.goto("/signin");
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("unsafe-inline");

    // Signing up waits for the live WebSocket, which the policy's connect-src must allow.
    await signUp(page);
    await createCredential(page, { username: "csp_check", description: "Under the policy" });
    for (const [link, heading] of [
      ["API keys", "API keys"],
      ["Members", "Members"],
      ["Audit log", "Audit log"],
      ["SMTP Credentials", "SMTP Credentials"],
    ]) {
      await page.getByRole("link", { name: link }).click();
      await expect(page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
    }
    await page.getByRole("link", { name: "csp_check" }).click();
    await expect(page.getByRole("heading", { name: "Restrictions" })).toBeVisible();
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    expect(violations).toEqual([]);
  });

  test("another site cannot frame the dashboard", async ({ browser, baseURL }) => {
    const page = await newPage(browser);
    const refused = page.waitForEvent("console", {
      predicate: (message) => message.text().includes("frame-ancestors"),
      timeout: 15_000,
    });
    await page.setContent(`<iframe src="${baseURL}/signin" title="framed"></iframe>`);
    expect((await refused).text()).toContain("frame-ancestors 'none'");
    await expect(page.frameLocator("iframe").getByRole("button", { name: "Sign in" })).toHaveCount(0);
  });

  test("an organization name made only of invisible characters is refused beside its field", async ({ browser }) => {
    const page = await newPage(browser);
    await page.goto("/signup");
    await page.getByLabel("Work email").fill(`invisible-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("password-123456");
    await page.getByLabel("Organization name").fill("\u200b\u202e\u2066");
    await page.getByRole("button", { name: "Create account" }).click();
    const field = page.getByLabel("Organization name");
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toHaveAccessibleDescription("Use at least one visible character");
    await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  });
});
