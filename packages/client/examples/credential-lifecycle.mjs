// Plain JavaScript (Node 20+, ESM): creates, lists, regenerates and deletes an SMTP credential, printing the live
// events these changes cause, and stops when the last one has arrived. Needs an API key with the admin role:
//   RELAYPOST_URL=http://127.0.0.1:3000 RELAYPOST_API_KEY=rpkey_… node credential-lifecycle.mjs
import { createRelayPostClient, TRPCClientError } from "@relaypost/client";

const url = process.env.RELAYPOST_URL ?? "http://127.0.0.1:3000";
const apiKey = process.env.RELAYPOST_API_KEY;
if (!apiKey) {
  console.error("Set RELAYPOST_API_KEY to an organization API key (rpkey_…)");
  process.exit(1);
}

const client = createRelayPostClient({ url, apiKey });

// Without lastEventId a subscription sees only events after the server starts it, which can be after the calls
// below. Starting from `resumeFrom` delivers every event from this point, however long the WebSocket takes.
const { resumeFrom } = await client.events.recent.query({ limit: 1 });
/** The credential whose deletion ends the run, known before its delete can be reported. */
let createdId;
let seenDeleted;
const allSeen = new Promise((resolve) => {
  seenDeleted = resolve;
});
const subscription = client.events.subscribe.subscribe(
  { lastEventId: resumeFrom, types: ["credential.created", "credential.password_regenerated", "credential.deleted"] },
  {
    onData: ({ id, data: event }) => {
      const details = JSON.stringify(event.data);
      console.log(`event ${id}: ${event.type} ${event.username ?? "-"} ${details}`);
      if (event.type === "credential.deleted" && event.credentialId === createdId) seenDeleted();
    },
    onError: (error) => {
      console.error(`subscription ended: ${error.data?.code ?? ""} ${error.message}`);
      seenDeleted();
    },
  },
);

try {
  const { credential, password } = await client.smtpCredentials.create.mutate({ description: "example app" });
  createdId = credential.id;
  // The password is shown only here; the server keeps only a hash of it.
  console.log(`created ${credential.username} (${credential.id}), password of ${password.length} characters`);

  const settings = await client.smtpCredentials.connectionSettings.query();
  console.log(`SMTP: ${settings.host ?? "<the server's host>"}:${settings.port} (STARTTLS)`);

  const page = await client.smtpCredentials.list.query({ search: credential.username, limit: 10 });
  console.log(`listed ${page.items.map((c) => c.username).join(", ")}; next page: ${page.nextCursor ?? "none"}`);

  const regenerated = await client.smtpCredentials.regeneratePassword.mutate({ id: credential.id });
  console.log(`new password for ${regenerated.credential.username}: ${regenerated.password !== password}`);

  await client.smtpCredentials.delete.mutate({ id: credential.id });
  console.log(`deleted ${credential.username}`);
  // The subscription delivers every event after `resumeFrom`, so this ends however late it started.
  await allSeen;
} catch (error) {
  if (!(error instanceof TRPCClientError)) throw error;
  console.error(`refused: ${error.data?.code} ${error.message}`, error.data?.fieldErrors ?? "");
  process.exitCode = 1;
} finally {
  subscription.unsubscribe();
  client.close();
}
