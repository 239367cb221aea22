import { MESSAGE_STATUSES } from "@relaypost/contract";
import { z } from "zod";
import { messageCountsOutput, messagePageOutput, messageSourceOutput, purgedOutput } from "../rest/outputs";
import { restRoute } from "../rest/route";
import { organizationProcedure, router } from "../trpc";
import { keysetCursorInput } from "./keyset-cursor";

const rest = restRoute("Messages");

/** A time PostgreSQL can compare with: JavaScript takes years up to 275760, which it refuses. */
const instant = z.date().min(new Date(0)).max(new Date("9999-12-31T23:59:59Z"));

export const messagesRouter = router({
  /**
   * The organization's messages, newest first: envelope, size, subject, status, attempts, last upstream reply;
   * filtered by credential, status, recipient and time.
   */
  list: organizationProcedure("viewer")
    .meta(rest("GET", "/messages", "Accepted messages and what became of them, newest first"))
    .input(
      z
        .strictObject({
          credentialId: z.uuid().optional(),
          status: z.enum(MESSAGE_STATUSES).optional(),
          recipient: z.string().trim().min(1).max(320).optional(),
          /** Accepted at or after this time. */
          since: instant.optional(),
          /** Accepted before this time. */
          until: instant.optional(),
          cursor: keysetCursorInput.nullish(),
          limit: z.number().int().min(1).max(100).default(50),
        })
        .default({ limit: 50 }),
    )
    .output(messagePageOutput)
    .query(({ ctx, input }) =>
      ctx.core.messages.list(ctx.scope.organizationId, {
        credentialId: input.credentialId,
        status: input.status,
        recipient: input.recipient,
        since: input.since,
        until: input.until,
        cursor: input.cursor ?? undefined,
        limit: input.limit,
      }),
    ),

  /**
   * One message with its raw source (at most 1 MiB, as text), to read what an application sent, as a local mail
   * catcher shows it. Admins only: the body is the applications' mail, not metadata.
   */
  source: organizationProcedure("admin")
    .meta(rest("GET", "/messages/{id}/source", "One message's raw source (at most 1 MiB); admins only"))
    .input(z.strictObject({ id: z.uuid() }))
    .output(messageSourceOutput)
    .query(({ ctx, input }) => ctx.core.messages.source(ctx.scope.organizationId, input.id)),

  /** Deletes the organization's message log, except mail still waiting for delivery; audited. */
  purge: organizationProcedure("admin")
    .meta(rest("POST", "/messages/purge", "Delete the message log, except mail still waiting for delivery"))
    .output(purgedOutput)
    .mutation(({ ctx }) => ctx.core.messages.purge(ctx.scope)),

  /** Messages each credential sent in the last 24 hours and 7 days, for the credentials list. */
  countsByCredential: organizationProcedure("viewer")
    .meta(rest("GET", "/messages/counts", "Messages each credential sent in the last 24 hours and 7 days"))
    .output(messageCountsOutput)
    .query(({ ctx }) => ctx.core.messages.countsByCredential(ctx.scope.organizationId)),
});
