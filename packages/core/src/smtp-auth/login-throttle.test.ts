import { createTestDatabase } from "@relaypost/db/testing";
import { describe, expect, it } from "vitest";
import { createPostgresAttemptStore } from "../throttle/postgres-attempt-store";
import { attemptStoreFor } from "../throttle/store-for-database";
import { createLoginThrottle } from "./login-throttle";
import { CredentialStoreUnavailableError } from "./verifier";

describe("SMTP login throttle", () => {
  it("slows failures on one credential from any address without refusing them, until a success clears it", async () => {
    const database = await createTestDatabase();
    try {
      const throttle = createLoginThrottle(attemptStoreFor(database), {
        delayAfter: 2,
        blockAfter: 3,
        baseDelayMs: 100,
        maxDelayMs: 100,
      });
      const attempt = (n: number, password: string) => ({
        remoteAddress: `192.0.2.${n}`,
        lookupId: "abcdefghijkl",
        username: "app",
        password,
      });
      const fail = async (n: number) =>
        throttle.verify(
          attempt(n, `guess-${n}`),
          async () => false,
          (ok) => ok,
        );
      // Five addresses, one failure each: no address reaches its limit, the credential's count grows.
      const delays = [];
      for (let n = 1; n <= 5; n++) {
        const verified = await fail(n);
        expect(verified.outcome).toBe("failed");
        delays.push(verified.outcome === "failed" ? verified.delayMs : undefined);
      }
      expect(delays).toEqual([0, 100, 100, 100, 100]);
      const success = await throttle.verify(
        attempt(6, "right"),
        async () => true,
        (ok) => ok,
      );
      expect(success.outcome).toBe("succeeded");
      expect(await fail(7)).toMatchObject({ outcome: "failed", delayMs: 0 });
    } finally {
      await database.destroy();
    }
  });

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
