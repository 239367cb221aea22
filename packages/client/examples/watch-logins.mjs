// Plain JavaScript (Node 20+, ESM): lists the organization's SMTP credentials, then prints its SMTP logins, accepted
// and refused, as they happen. A viewer API key is enough:
//   RELAYPOST_URL=http://127.0.0.1:3000 RELAYPOST_API_KEY=rpkey_… node watch-logins.mjs
// It runs until interrupted (Ctrl-C), or until WATCH_EVENTS logins have arrived, and then prints the id to resume
// from. Started again with RELAYPOST_LAST_EVENT_ID set to that id, it first prints every login it missed meanwhile.
// Within one run the client needs no such help: after a dropped connection it reconnects and resumes by itself.
import { createRelayPostClient, TRPCClientError } from "@relaypost/client";

const url = process.env.RELAYPOST_URL ?? "http://127.0.0.1:3000";
const apiKey = process.env.RELAYPOST_API_KEY;
if (!apiKey) {
  console.error("Set RELAYPOST_API_KEY to an organization API key (rpkey_…)");
  process.exit(1);
}
const stopAfter = Number(process.env.WATCH_EVENTS ?? Number.POSITIVE_INFINITY);
const types = ["auth.succeeded", "auth.rejected"];

const client = createRelayPostClient({
  url,
  apiKey,
  onConnectionStateChange: (state) => console.error(`(events connection: ${state})`),
});

/** Every credential, page by page: `nextCursor` is null on the last page. */
async function allCredentials() {
  const credentials = [];
  let cursor = null;
  do {
    const page = await client.smtpCredentials.list.query({ cursor, limit: 100 });
    credentials.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return credentials;
}

function describe(id, event) {
  const outcome = event.type === "auth.succeeded" ? "accepted" : `refused (${event.data.reason})`;
  // Refusals flooding in from one address arrive counted, as one event per minute.
  const count = typeof event.data.count === "number" ? ` ×${event.data.count}` : "";
  const who = event.username ?? "(unknown credential)";
  return `event ${id}: ${outcome}${count} ${who} from ${event.remoteAddress ?? "?"} at ${event.createdAt.toISOString()}`;
}

/**
 * Where to start: after the id a previous run stopped at, or, on a first run, after the last of the recent logins
 * it prints. Either way nothing in between is lost: the server delivers every event after `lastEventId`.
 */
async function startingPoint() {
  if (process.env.RELAYPOST_LAST_EVENT_ID) return process.env.RELAYPOST_LAST_EVENT_ID;
  const { events, resumeFrom } = await client.events.recent.query({ limit: 10, types });
  console.log(`recent logins: ${events.length}`);
  for (const event of events) console.log(describe(event.id, event));
  return resumeFrom;
}

function watch(lastEventId) {
  return new Promise((resolve, reject) => {
    let received = 0;
    let last = lastEventId;
    const subscription = client.events.subscribe.subscribe(
      { lastEventId, types },
      {
        onData: ({ id, data: event }) => {
          console.log(describe(id, event));
          last = id;
          received += 1;
          if (received >= stopAfter) finish();
        },
        // The subscription has ended: e.g. UNAUTHORIZED once the key is revoked. Retrying would not help.
        onError: reject,
      },
    );
    function finish() {
      subscription.unsubscribe();
      resolve(last);
    }
    process.once("SIGINT", finish);
  });
}

try {
  const credentials = await allCredentials();
  console.log(`credentials: ${credentials.length}`);
  for (const c of credentials) {
    const lastUsed = c.lastUsedAt ? c.lastUsedAt.toISOString() : "never";
    console.log(`  ${c.username} ${c.active ? "active" : "inactive"}, last used ${lastUsed}`);
  }
  const from = await startingPoint();
  console.log(`watching logins after event ${from}`);
  const last = await watch(from);
  console.log(`stopped; resume with RELAYPOST_LAST_EVENT_ID=${last}`);
} catch (error) {
  if (!(error instanceof TRPCClientError)) throw error;
  console.error(`refused: ${error.data?.code ?? "no answer"} ${error.message}`);
  process.exitCode = 1;
} finally {
  client.close();
}
