import { beforeAll, describe, expect, it } from "vitest";
import { operatorScope } from "../identity/roles";
import { useCore } from "../identity/test-support";
import {
  countAgainstLimits,
  type LimitColumns,
  limitColumns,
  limitsOf,
  periodLimitReached,
  readUsage,
  recipientLimitPassed,
} from "./sending-limits";

const NO_LIMITS: LimitColumns = {
  limitPerMinute: null,
  limitPerHour: null,
  limitPerDay: null,
  limitRecipientsPerMessage: null,
};

describe("sending limits, stored and shown", () => {
  it("store each limit given in its own column, clear the others, and show only those set", () => {
    const columns = limitColumns({ perHour: 5, recipientsPerMessage: 2 });
    expect(columns).toEqual({ ...NO_LIMITS, limitPerHour: 5, limitRecipientsPerMessage: 2 });
    expect(limitsOf(columns)).toEqual({ perHour: 5, recipientsPerMessage: 2 });
    const all = { perMinute: 1, perHour: 2, perDay: 3, recipientsPerMessage: 4 };
    expect(limitsOf(limitColumns(all))).toEqual(all);
    expect(limitsOf(NO_LIMITS)).toEqual({});
  });
});

describe("sending limits, judged from the usage", () => {
  it("refuses more recipients than the limit, and allows exactly the limit", () => {
    const row = { ...NO_LIMITS, limitRecipientsPerMessage: 3 };
    expect(recipientLimitPassed(row, 3)).toBeUndefined();
    expect(recipientLimitPassed(row, 4)).toEqual({ limit: "recipientsPerMessage", max: 3 });
    expect(recipientLimitPassed(NO_LIMITS, 10_000)).toBeUndefined();
  });

  it("names the first period whose limit the usage has reached, minute before hour before day", () => {
    const row = { ...NO_LIMITS, limitPerMinute: 2, limitPerHour: 5, limitPerDay: 9 };
    expect(periodLimitReached(row, { minute: 1, hour: 4, day: 8 })).toBeUndefined();
    expect(periodLimitReached(row, { minute: 2, hour: 5, day: 9 })).toEqual({ limit: "perMinute", max: 2 });
    expect(periodLimitReached(row, { minute: 0, hour: 5, day: 9 })).toEqual({ limit: "perHour", max: 5 });
    expect(periodLimitReached(row, { minute: 0, hour: 0, day: 9 })).toEqual({ limit: "perDay", max: 9 });
    expect(periodLimitReached(NO_LIMITS, { minute: 99, hour: 99, day: 99 })).toBeUndefined();
  });
});

describe("counting messages against a credential's limits", () => {
  const t = useCore();
  let credentialId: () => Promise<string>;
  beforeAll(async () => {
    const { organization } = await t.core.organizations.create({
      name: "Limits",
      owner: { email: "limits-owner@example.com", password: "password-123456" },
    });
    const scope = operatorScope(organization.id, "test");
    credentialId = async () => (await t.core.smtpCredentials.create(scope, {})).credential.id;
  });

  const at = (iso: string) => new Date(`2026-03-04T${iso}Z`);
  const count = (id: string, row: LimitColumns, when: Date, recipients = 1) =>
    countAgainstLimits(t.database.db, id, row, recipients, when);

  it("counts each message in its UTC minute, hour and day, and refuses the one past a limit", async () => {
    const id = await credentialId();
    const row = { ...NO_LIMITS, limitPerMinute: 2, limitPerHour: 3 };
    expect(await count(id, row, at("10:15:05"))).toBeUndefined();
    expect(await count(id, row, at("10:15:59.999"))).toBeUndefined();
    expect(await count(id, row, at("10:15:30"))).toEqual({ limit: "perMinute", max: 2 });
    expect(await readUsage(t.database.db, id, at("10:15:30"))).toEqual({ minute: 2, hour: 2, day: 2 });
    // The next minute starts a new count; the hour's goes on.
    expect(await count(id, row, at("10:16:00"))).toBeUndefined();
    expect(await readUsage(t.database.db, id, at("10:16:00"))).toEqual({ minute: 1, hour: 3, day: 3 });
    expect(await count(id, row, at("10:16:01"))).toEqual({ limit: "perHour", max: 3 });
    expect(await readUsage(t.database.db, id, at("11:00:00"))).toEqual({ minute: 0, hour: 0, day: 3 });
    expect(await readUsage(t.database.db, id, new Date("2026-03-05T00:00:00Z"))).toEqual({
      minute: 0,
      hour: 0,
      day: 0,
    });
  });

  it("never resets a newer window from a clock that is behind", async () => {
    const id = await credentialId();
    const row = { ...NO_LIMITS, limitPerMinute: 100 };
    await count(id, row, at("10:16:00"));
    await count(id, row, at("10:15:59"));
    expect(await readUsage(t.database.db, id, at("10:16:00"))).toEqual({ minute: 2, hour: 2, day: 2 });
  });

  it("refuses too many recipients without counting the message", async () => {
    const id = await credentialId();
    const row = { ...NO_LIMITS, limitPerMinute: 5, limitRecipientsPerMessage: 2 };
    expect(await count(id, row, at("09:00:00"), 3)).toEqual({ limit: "recipientsPerMessage", max: 2 });
    expect(await readUsage(t.database.db, id, at("09:00:00"))).toEqual({ minute: 0, hour: 0, day: 0 });
  });

  it("keeps no count for a credential without a per-period limit", async () => {
    const id = await credentialId();
    expect(await count(id, { ...NO_LIMITS, limitRecipientsPerMessage: 5 }, at("09:00:00"))).toBeUndefined();
    expect(await readUsage(t.database.db, id, at("09:00:00"))).toEqual({ minute: 0, hour: 0, day: 0 });
  });
});
