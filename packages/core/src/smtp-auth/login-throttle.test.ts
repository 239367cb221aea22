import { createTestDatabase } from "@relaypost/db/testing";
import { describe, expect, it } from "vitest";
import { createPostgresAttemptStore } from "../throttle/postgres-attempt-store";
import { createLoginThrottle } from "./login-throttle";
import { CredentialStoreUnavailableError } from "./verifier";

describe("SMTP login throttle", () => {
  it("reports an attempt store it cannot reach as an outage, and verifies nothing", async () => {
    const database = await createTestDatabase();
    const throttle = createLoginThrottle(createPostgresAttemptStore(database.db));
    await database.destroy();
    let verified = false;
    const attempt = { remoteAddress: "192.0.2.9", lookupId: "abcdefghijkl", username: "app", password: "x" };
    const outcome = throttle.verify(
      attempt,
      async () => {
        verified = true;
        return true;
      },
      (ok) => ok,
    );
    await expect(outcome).rejects.toBeInstanceOf(CredentialStoreUnavailableError);
    expect(verified).toBe(false);
  });
});
