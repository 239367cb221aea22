import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll } from "vitest";
import { createCore } from "../core";
import type { Core } from "../services";

/** A fresh database and the core on it for the enclosing describe; read `database` and `core` inside the tests. */
export function useCore(): { database: TestDatabase; core: Core } {
  const fixture = {} as { database: TestDatabase; core: Core };
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.core = createCore({ db: fixture.database.db });
  });
  afterAll(() => fixture.database.destroy());
  return fixture;
}

/** An organization's audit entries, newest first, as the fields a test compares (optionally only those of one target). */
export async function auditEntries(core: Core, organizationId: string, target?: string) {
  const { items } = await core.auditLog.list(organizationId, { limit: 10, ...(target ? { target } : {}) });
  return items.map(({ action, targetType, targetId, targetLabel, metadata }) => ({
    action,
    targetType,
    targetId,
    targetLabel,
    metadata,
  }));
}
