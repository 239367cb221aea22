import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { startUpstreamSink, type UpstreamSink } from "@relaypost/smtp/upstream-sink";
import { type RunningServer, startServer } from "../server";
import { createCredential, screenshot, sendMail, signUp } from "./support";

const UPSTREAM = { user: "acme-relay", pass: "acme-upstream-pass-3141" };

test.describe("an organization's own upstream", () => {
  let sink: UpstreamSink;
  let server: RunningServer;

  test.beforeAll(async () => {
    sink = await startUpstreamSink({ auth: UPSTREAM });
    // No RELAY_URL: only an organization that sets its own upstream has its mail relayed.
    server = await startServer({
      script: ["relaypost", "serve"],
      env: { RELAYPOST_SECRET_KEY: randomBytes(32).toString("base64"), RELAY_URL: "" },
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    await sink?.close();
  });

  test("an owner sets it with a write-only password, tests the connection, and mail goes there", async ({
    browser,
  }) => {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const page = await context.newPage();
    await signUp(page);
    const credential = await createCredential(page, { username: "own_upstream_app", smtpPort: server.smtpPort });

    await page.getByRole("link", { name: "Upstream", exact: true }).click();
    await expect(page.getByTestId("upstream-current")).toContainText("stored, not relayed");
    await page.getByLabel("Host").fill("127.0.0.1");
    await page.getByLabel("Port").fill(String(sink.port));
    await page.getByLabel("Verify the upstream's certificate").uncheck();
    await page.getByLabel("Username").fill(UPSTREAM.user);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("upstream-current")).toContainText(`127.0.0.1:${sink.port}`);
    await expect(page.getByTestId("upstream-current")).toContainText("(password set)");
    await expect(page.getByLabel("Password")).toHaveValue("");

    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("upstream-test-result")).toContainText("refused at AUTH");
    await expect(page.getByTestId("upstream-test-result")).toContainText("535 5.7.8 Authentication failed");

    // Only the password changes: the rest of the form stays as saved.
    await page.getByLabel("Password").fill(UPSTREAM.pass);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("upstream-test-result")).toContainText("accepts connections and the login");
    await expect(page.locator("body")).not.toContainText(UPSTREAM.pass);
    await screenshot(page, "30-upstream-settings");

    await sendMail(credential.username, credential.password, { port: server.smtpPort, subject: "Via our own" });
    await sink.until((received) => received.some((m) => m.raw.toString().includes("Via our own")));
    expect(sink.logins.at(-1)).toEqual({ user: UPSTREAM.user });
    await context.close();
  });
});
