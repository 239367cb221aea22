import { EVENT_TYPES } from "@relaypost/contract";
import { tracked } from "@trpc/server";
import { z } from "zod";
import { eventPageOutput } from "../rest/outputs";
import { restRoute } from "../rest/route";
import { organizationProcedure, router } from "../trpc";

const rest = restRoute("Events");

export const eventsRouter = router({
  /** The newest events (oldest first) and `resumeFrom`, the `lastEventId` that continues them live without a gap. */
  recent: organizationProcedure("viewer")
    .input(
      z
        .strictObject({
          limit: z.number().int().min(1).max(500).default(100),
          credentialId: z.uuid().optional(),
          types: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional(),
        })
        .default({ limit: 100 }),
    )
    .query(async ({ ctx, input }) => {
      const { events, resumeFrom } = await ctx.core.events.recent({
        organizationId: ctx.scope.organizationId,
        ...input,
      });
      return { events, resumeFrom: String(resumeFrom) };
    }),

  /** The events after `after`, oldest first: a poller passes back `nextAfter` and misses nothing that is kept. */
  list: organizationProcedure("viewer")
    .meta(rest("GET", "/events", "Events after an id, oldest first"))
    .input(
      z
        .strictObject({
          after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
          limit: z.number().int().min(1).max(500).default(100),
          credentialId: z.uuid().optional(),
          types: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional(),
        })
        .default({ after: 0, limit: 100 }),
    )
    .output(eventPageOutput)
    .query(async ({ ctx, input }) => {
      const events = await ctx.core.events.since({
        organizationId: ctx.scope.organizationId,
        afterId: input.after,
        limit: input.limit,
        credentialId: input.credentialId,
        types: input.types,
      });
      return { events, nextAfter: events.at(-1)?.id ?? input.after };
    }),

  /**
   * The organization's events as they happen. Each carries its id as the tracked id, so a client that reconnects
   * (tRPC sends the last id back as `lastEventId`) receives exactly what it missed while the events are retained.
   */
  subscribe: organizationProcedure("viewer")
    .input(
      z
        .strictObject({
          lastEventId: z
            .string()
            .regex(/^\d{1,18}$/)
            .nullish(),
          credentialId: z.uuid().optional(),
          types: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional(),
        })
        .default({}),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const stream = ctx.core.events.stream({
        organizationId: ctx.scope.organizationId,
        afterId: input.lastEventId ? Number(input.lastEventId) : undefined,
        credentialId: input.credentialId,
        types: input.types,
        signal,
      });
      for await (const event of stream) yield tracked(String(event.id), event);
    }),
});
