// TypeScript: pages through every SMTP credential, shows how a refused call reports its field, then prints recent
// SMTP logins and follows new ones live for WATCH_SECONDS (5 by default). A viewer API key is enough except for the
// refused create, which a viewer sees refused as FORBIDDEN instead.
//   RELAYPOST_URL=http://127.0.0.1:3000 RELAYPOST_API_KEY=rpkey_… npx tsx login-watch.ts
import {
  type AppRouter,
  createRelayPostClient,
  type RelayEvent,
  type SmtpCredential,
  TRPCClientError,
} from "@relaypost/client";

type Client = ReturnType<typeof createRelayPostClient>;

/** Narrows a caught value to an error the API answered, with its typed `data` (`code`, `fieldErrors`). */
function isApiError(error: unknown): error is TRPCClientError<AppRouter> {
  return error instanceof TRPCClientError;
}

async function allCredentials(client: Client): Promise<SmtpCredential[]> {
  const credentials: SmtpCredential[] = [];
  let cursor: string | null = null;
  do {
    const page = await client.smtpCredentials.list.query({ cursor, limit: 100 });
    credentials.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return credentials;
}

async function showRefusal(client: Client): Promise<void> {
  try {
    await client.smtpCredentials.create.mutate({ username: "Not A Valid Name" });
  } catch (error) {
    if (!isApiError(error)) throw error;
    console.log(`refused with ${error.data?.code}:`, error.data?.fieldErrors ?? error.message);
  }
}

function describe(event: RelayEvent): string {
  const who = `${event.username ?? "(unknown credential)"} from ${event.remoteAddress ?? "?"}`;
  const count = typeof event.data.count === "number" ? ` ×${event.data.count}` : "";
  return `${event.createdAt.toISOString()} ${event.type} ${who}${count} ${JSON.stringify(event.data)}`;
}

async function main(): Promise<void> {
  const apiKey = process.env.RELAYPOST_API_KEY;
  if (!apiKey) throw new Error("Set RELAYPOST_API_KEY to an organization API key (rpkey_…)");
  const client = createRelayPostClient({
    url: process.env.RELAYPOST_URL ?? "http://127.0.0.1:3000",
    apiKey,
    onConnectionStateChange: (state) => console.log(`websocket: ${state}`),
  });

  const organization = await client.organizations.current.query();
  const credentials = await allCredentials(client);
  console.log(`${organization.name} (acting as ${organization.role}): ${credentials.length} credentials`);
  for (const c of credentials) console.log(`  ${c.username} active=${c.active} lastUsedAt=${c.lastUsedAt ?? "never"}`);

  await showRefusal(client);

  const types: RelayEvent["type"][] = ["auth.succeeded", "auth.rejected"];
  const { events, resumeFrom } = await client.events.recent.query({ limit: 20, types });
  for (const event of events) console.log(describe(event));

  const subscription = client.events.subscribe.subscribe(
    { lastEventId: resumeFrom, types },
    {
      onData: ({ data }) => console.log(describe(data)),
      onError: (error) => console.error(`subscription ended: ${error.data?.code} ${error.message}`),
    },
  );
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.WATCH_SECONDS ?? 5) * 1000));
  subscription.unsubscribe();
  client.close();
}

await main();
