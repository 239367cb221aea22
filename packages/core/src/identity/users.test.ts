import { describe, expect, it } from "vitest";
import { useCore } from "./test-support";
import { EmailTakenError, USER_PASSWORD_MIN_LENGTH } from "./users";

describe("creating user accounts", () => {
  const t = useCore();

  it("stores the email trimmed and lower-cased and the name trimmed", async () => {
    const user = await t.core.users.create({
      email: "  Ada.Lovelace@Example.COM ",
      password: "engine-password-1",
      name: "  Ada Lovelace  ",
    });
    expect(user).toEqual({ id: expect.any(String), email: "ada.lovelace@example.com", name: "Ada Lovelace" });
    expect(await t.core.users.findByEmail("ada.lovelace@example.com")).toEqual(user);
  });

  it("gives an account created without a name the empty name", async () => {
    const user = await t.core.users.create({ email: "nameless@example.com", password: "nameless-password" });
    expect(user.name).toBe("");
  });

  it("accepts a password of exactly the minimum length and refuses one character less on the password field", async () => {
    expect(USER_PASSWORD_MIN_LENGTH).toBe(10);
    await expect(
      t.core.users.create({ email: "short@example.com", password: "p".repeat(USER_PASSWORD_MIN_LENGTH - 1) }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Password must be at least 10 characters",
      field: "password",
    });
    expect(await t.core.users.findByEmail("short@example.com")).toBeUndefined();

    const user = await t.core.users.create({
      email: "exact@example.com",
      password: "p".repeat(USER_PASSWORD_MIN_LENGTH),
    });
    expect(await t.core.users.signIn("exact@example.com", "p".repeat(USER_PASSWORD_MIN_LENGTH), null)).toEqual({
      ok: true,
      user,
    });
  });

  it("refuses an email that already has an account, in any case, as a conflict on the email field", async () => {
    await t.core.users.create({ email: "taken@example.com", password: "first-password-1" });
    const again = t.core.users.create({ email: " TAKEN@example.com", password: "second-password-1" });
    await expect(again).rejects.toBeInstanceOf(EmailTakenError);
    await expect(again).rejects.toMatchObject({
      code: "CONFLICT",
      message: "An account with this email already exists",
      field: "email",
    });
  });

  it("reports a failure to store the account as itself, not as a taken email", async () => {
    // PostgreSQL refuses a NUL character in text: a failure of the insert that is no unique violation.
    const failed = t.core.users.create({ email: "nul\u0000@example.com", password: "stored-password-1" });
    await expect(failed).rejects.toThrow();
    await expect(failed).rejects.not.toBeInstanceOf(EmailTakenError);
  });
});
