import type { RejectionData } from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll } from "vitest";
import { createRuntime, type Runtime } from "../runtime";
import type { NewEvent, RelayEvent } from "./types";

/** A fresh database and the runtime on it (bus, publisher and core as production wires them) for the enclosing describe. */
export function useRuntime() {
  const fixture = {} as { database: TestDatabase; runtime: Runtime };
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.runtime = await createRuntime(fixture.database, { webhooks: { background: false } });
  });
  afterAll(async () => {
    await fixture.runtime.close();
    await fixture.database.destroy();
  });
  return fixture;
}

/** Publishes as an SMTP login does; once this resolves, the bus has handed the events to every subscriber. */
export async function publish(runtime: Runtime, ...events: NewEvent[]): Promise<void> {
  for (const event of events) runtime.publisher.publish(event);
  const unwritten = await runtime.publisher.flush();
  if (unwritten > 0) throw new Error(`${unwritten} events left unwritten`);
}

/** A new organization, so each test sees only its own events. */
export async function newOrganization(database: TestDatabase): Promise<string> {
  const slug = `org-${Math.random().toString(36).slice(2, 10)}`;
  const [organization] = await database.db.insert(schema.organizations).values({ name: slug, slug }).returning();
  if (!organization) throw new Error("insert returned no row");
  return organization.id;
}

/** A successful SMTP login of `username` in the organization, by the credential when one is given. */
export const loginEvent = (organizationId: string, username: string, credentialId: string | null = null): NewEvent => ({
  organizationId,
  type: "auth.succeeded",
  credentialId,
  username,
  remoteAddress: "192.0.2.1",
  data: { method: "PLAIN", tls: true },
});

/** A refused SMTP login of `username` in the organization. */
export const refusalEvent = (
  organizationId: string,
  username: string,
  credentialId: string | null = null,
  data: RejectionData = { reason: "bad_password", method: "LOGIN", tls: false },
): NewEvent => ({ organizationId, type: "auth.rejected", credentialId, username, remoteAddress: "192.0.2.2", data });

/**
 * Reads a stream as a consumer does. The first read is asked for at once, since a stream starts listening when it is
 * first read; later ones only when `until` asks, so the stream can be left holding what it delivered.
 */
export function reader(stream: AsyncGenerator<RelayEvent>) {
  let asked: Promise<IteratorResult<RelayEvent>> | undefined = stream.next();
  return {
    /** Everything read up to and including the next event of `username`. */
    async until(username: string): Promise<RelayEvent[]> {
      const read: RelayEvent[] = [];
      for (;;) {
        const result = await (asked ?? stream.next());
        asked = undefined;
        if (result.done) throw new Error(`the stream ended before ${username}`);
        read.push(result.value);
        if (result.value.username === username) return read;
      }
    },
    /** What the next read answers. */
    next: () => {
      const result = asked ?? stream.next();
      asked = undefined;
      return result;
    },
    stop: () => stream.return(undefined),
  };
}

/** The usernames of events, in their order: what most assertions compare. */
export const usernames = (events: readonly Pick<RelayEvent, "username">[]) => events.map((e) => e.username);
