import { type Database, schema } from "@relaypost/db";
import { inArray, type SQL, sql } from "drizzle-orm";
import { appendEvents } from "../events/store";
import type { NewEvent, RelayEvent } from "../events/types";
import { decodeHeaderValue, readHeader, readHeaders, withMessageId } from "../relay/message-headers";
import type { ClaimedMessage, HandoffLease } from "../relay/outbox";
import { disallowedHeaderSender, senderAllowed } from "../restrictions/allowed-senders";
import { loginRestriction, restrictionColumns } from "../restrictions/restrictions";
import { countAgainstLimits, type LimitBreach } from "../restrictions/sending-limits";
import { grantColumns, grantHolds, type SmtpGrant } from "../smtp-auth/grant";
import type { ReceivedBody } from "./message-body";

export interface IncomingMessage {
  grant: SmtpGrant;
  mailFrom: string;
  rcptTo: string[];
  /** The message as it arrives; it is stored segment by segment, never held whole. */
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The largest message taken; the rest of a longer one is drained and the message refused. */
  maxBytes: number;
  remoteAddress: string | null;
}

/** Why a message was not stored: the session's login no longer holds, or a restriction refuses the message. */
export type IntakeRefusal =
  | { kind: "revoked" }
  | { kind: "too_big" }
  | { kind: "header_too_large" }
  | { kind: "sender_not_allowed"; where: "envelope" | "header"; sender: string }
  | ({ kind: "rate_limited" } & LimitBreach);

export type IntakeResult =
  | { accepted: true; messageId: string; status: "queued" | "stored"; size: number }
  | { accepted: false; refusal: IntakeRefusal };

/** The allowed-senders rule applied to the message as it will be stored: its envelope sender and its `From:`. */
export function senderRefusal(allowedSenders: readonly string[], mailFrom: string, raw: Buffer) {
  if (!senderAllowed(allowedSenders, mailFrom)) {
    return { kind: "sender_not_allowed", where: "envelope", sender: mailFrom } as const;
  }
  const sender = disallowedHeaderSender(allowedSenders, readHeaders(raw, "from"));
  return sender === undefined ? undefined : ({ kind: "sender_not_allowed", where: "header", sender } as const);
}

/** A message whose body is stored, waiting for its row. */
export interface ReceivedMessage {
  id: string;
  message: IncomingMessage;
  body: Extract<ReceivedBody, { kind: "received" }>;
}

/** Long enough for any subject a person reads in a list. */
const SUBJECT_MAX_LENGTH = 500;

const messages = schema.smtpMessages;
const credentials = schema.smtpCredentials;
const upstreams = schema.organizationUpstreams;

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** The credentials of these messages, locked in id order (so concurrent batches never deadlock), by id. */
async function lockCredentials(tx: Transaction, ids: string[]) {
  const rows = await tx
    .select({
      id: credentials.id,
      ...grantColumns,
      ...restrictionColumns,
      // Its organization's own upstream, at the version a message handed to this process's workers is sent to.
      upstreamVersion: sql<
        string | null
      >`(select u.version from ${upstreams} u where u.organization_id = ${credentials}.organization_id)`,
    })
    .from(credentials)
    .where(inArray(credentials.id, ids))
    .orderBy(credentials.id)
    .for("update");
  return new Map(rows.map((row) => [row.id, row]));
}

type LockedCredential = NonNullable<ReturnType<Awaited<ReturnType<typeof lockCredentials>>["get"]>>;

type Accepted = Extract<IntakeResult, { accepted: true }>;

/** The event of an accepted message, stamped with its acceptance time. */
function acceptedEvent(message: IncomingMessage, { messageId, size, status }: Accepted, at: Date): NewEvent {
  const { grant } = message;
  return {
    organizationId: grant.organizationId,
    type: "message.accepted",
    credentialId: grant.credentialId,
    username: grant.username,
    remoteAddress: message.remoteAddress,
    createdAt: at,
    data: { messageId, size, recipients: message.rcptTo.length, status },
  };
}

/** The row of a message that passed every check. */
function messageRow({ id, message, body }: ReceivedMessage, status: Accepted["status"], at: Date) {
  const { raw, messageId } = withMessageId(body.head, message.mailFrom);
  const subject = readHeader(raw, "subject");
  return {
    id,
    organizationId: message.grant.organizationId,
    credentialId: message.grant.credentialId,
    mailFrom: message.mailFrom,
    rcptTo: message.rcptTo,
    size: body.size + raw.length - body.head.length,
    raw,
    parts: body.parts,
    remoteAddress: message.remoteAddress,
    createdAt: at,
    messageIdHeader: messageId,
    subject: subject === undefined ? null : decodeHeaderValue(subject).slice(0, SUBJECT_MAX_LENGTH),
    status,
    nextAttemptAt: status === "queued" ? at : null,
    recipients: message.rcptTo.map((address) => ({ address, state: "pending" as const, reply: null })),
  };
}

type MessageRow = ReturnType<typeof messageRow> &
  Pick<typeof messages.$inferInsert, "leaseOwner" | "leaseExpiresAt" | "attempts">;
type Judged = {
  result: IntakeResult;
  /** The row, its event, and the version of its organization's own upstream (null: none) it is delivered to. */
  accepted?: { row: MessageRow; event: NewEvent; upstreamVersion: string | null };
};

/** A message that passed every check: its result, its row and its event. */
function acceptance(item: ReceivedMessage, upstreamVersion: string | null, relaying: boolean, at: Date): Judged {
  const status = relaying || upstreamVersion !== null ? "queued" : "stored";
  const row = messageRow(item, status, at);
  const result: Accepted = { accepted: true, messageId: row.id, status, size: row.size };
  return { result, accepted: { row, event: acceptedEvent(item.message, result, at), upstreamVersion } };
}

/** One message judged under its credential's lock: refused, or accepted with the row to insert and its event. */
async function judge(
  tx: Transaction,
  item: ReceivedMessage,
  row: LockedCredential | undefined,
  { now, relaying }: { now: () => Date; relaying: boolean },
): Promise<Judged> {
  const { message, body } = item;
  const at = now();
  if (
    !row ||
    !grantHolds(message.grant, row, at.getTime()) ||
    loginRestriction(row, message.remoteAddress, at.getTime())
  ) {
    return { result: { accepted: false, refusal: { kind: "revoked" } } };
  }
  const refusal = senderRefusal(row.allowedSenders, message.mailFrom, body.head);
  if (refusal) return { result: { accepted: false, refusal } };
  const breach = await countAgainstLimits(tx, row.id, row, message.rcptTo.length, at);
  if (breach) return { result: { accepted: false, refusal: { kind: "rate_limited", ...breach } } };
  return acceptance(item, row.upstreamVersion, relaying, at);
}

/** Adds each credential's accepted messages to its counter, in one statement. */
function countAccepted(tx: Transaction, accepted: Map<string, number>) {
  const counts: SQL[] = [...accepted].map(([id, n]) => sql`(${id}::uuid, ${n}::int)`);
  // Raw SQL: drizzle's update would also bump updated_at, which records edits of the credential, not use.
  return tx.execute(
    sql`update ${credentials} set messages_accepted = messages_accepted + counted.n
        from (values ${sql.join(counts, sql`, `)}) as counted(id, n) where ${credentials.id} = counted.id`,
  );
}

/** What a batch's transaction committed: each message's result, in order, the events of those accepted, and those
 * stored under the handoff lease, for this process's workers to deliver. */
export interface StoredBatch {
  results: IntakeResult[];
  events: RelayEvent[];
  handedOff: ClaimedMessage[];
}

/** A queued message stored under `lease` (see HandoffLease), as a claim would have given it to the workers. */
function claimOf(row: MessageRow, lease: HandoffLease, username: string, upstreamVersion: string | null) {
  return {
    id: row.id,
    organizationId: row.organizationId,
    credentialId: row.credentialId,
    username,
    remoteAddress: row.remoteAddress,
    mailFrom: row.mailFrom,
    head: row.raw,
    parts: row.parts,
    recipients: row.recipients,
    attempts: 1,
    createdAt: row.createdAt,
    lease: lease.token,
    upstreamVersion,
  } satisfies ClaimedMessage;
}

/**
 * Writes the rows of received messages in one transaction. Each message's credential is re-checked with its row
 * locked, so a regenerate or deactivate that commits first means the message is refused, and one that comes later
 * waits for the message to be counted: a revoked session never gets a message in. The `message.accepted` events
 * commit with the rows they report, so a crash cannot leave one without the other, and a message's delivery events,
 * written once its row is claimed, always come after it. Queued messages take `lease`, as many as it has slots for.
 * A batch costs the same few round trips whatever its size (lock; then insert, count and events pipelined), plus the
 * sending-limit counting of limited credentials.
 */
export function storeMessages(
  db: Database,
  items: ReceivedMessage[],
  options: { now: () => Date; relaying: boolean; lease?: HandoffLease | undefined },
): Promise<StoredBatch> {
  return db.transaction(async (tx) => {
    const locked = await lockCredentials(tx, [...new Set(items.map((item) => item.message.grant.credentialId))]);
    const results: IntakeResult[] = [];
    const rows: MessageRow[] = [];
    const accepted: NewEvent[] = [];
    const handedOff: ClaimedMessage[] = [];
    const counts = new Map<string, number>();
    for (const item of items) {
      const { grant } = item.message;
      const judged = await judge(tx, item, locked.get(grant.credentialId), options);
      results.push(judged.result);
      if (!judged.accepted) continue;
      const { row, event, upstreamVersion } = judged.accepted;
      const { lease } = options;
      const handOff = lease !== undefined && row.status === "queued" && handedOff.length < lease.slots;
      rows.push(handOff ? { ...row, leaseOwner: lease.token, leaseExpiresAt: lease.expiresAt, attempts: 1 } : row);
      if (handOff) handedOff.push(claimOf(row, lease, grant.username, upstreamVersion));
      accepted.push(event);
      counts.set(grant.credentialId, (counts.get(grant.credentialId) ?? 0) + 1);
    }
    if (rows.length === 0) return { results, events: [], handedOff };
    // Issued together, the three statements share one round trip on the transaction's connection. The events go
    // last: they take the event order lock, which other event writers then wait for only until this commit.
    const [, , events] = await Promise.all([
      tx.insert(messages).values(rows),
      countAccepted(tx, counts),
      appendEvents(tx, accepted),
    ]);
    return { results, events, handedOff };
  });
}
