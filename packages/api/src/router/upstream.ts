import { z } from "zod";
import { organizationProcedure, router } from "../trpc";

const LABEL = "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)";

/** A DNS name or an IP address literal: nothing else reaches nodemailer's `host`. */
const host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$|^[0-9A-Fa-f:.]+$`), { error: "Enter a host name or IP address" });

/** No control characters: they have no place in an SMTP login and would only smuggle lines. */
const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]+$/, { error: "Control characters are not allowed" });

const upstreamInput = z.strictObject({
  host,
  port: z.number().int().min(1).max(65535),
  tls: z.enum(["starttls", "implicit", "none"]),
  tlsVerify: z.boolean(),
  /** null: the upstream takes mail without a login. */
  username: printable(256).nullable(),
  /** Write-only; absent keeps the stored password. */
  password: printable(512).optional(),
});

export const upstreamRouter = router({
  /** The organization's own upstream without its password (`passwordSet` says whether one is stored). */
  get: organizationProcedure("viewer").query(({ ctx }) => ctx.core.upstream.get(ctx.scope.organizationId)),

  /** Sets the organization's upstream (owners only); its mail is relayed there from the next delivery on. */
  set: organizationProcedure("owner")
    .input(upstreamInput)
    .mutation(({ ctx, input }) => ctx.core.upstream.set(ctx.scope, input)),

  /** Removes it: the organization's mail goes to the server's default upstream again, or is stored. */
  clear: organizationProcedure("owner").mutation(({ ctx }) => ctx.core.upstream.clear(ctx.scope)),

  /** Connects as delivery would and reports `{ ok }` or the stage and the upstream's reply. */
  test: organizationProcedure("admin").mutation(({ ctx }) => ctx.core.upstream.test(ctx.scope.organizationId)),
});
