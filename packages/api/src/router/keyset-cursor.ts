import { decodeKeysetCursor } from "@relaypost/core";
import { z } from "zod";

/** A page cursor, decoded here, so a forged one is refused on its field and never reaches SQL. */
export const keysetCursorInput = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const decoded = decodeKeysetCursor(value);
    if (!decoded) ctx.addIssue({ code: "custom", message: "Invalid cursor" });
    return decoded ?? z.NEVER;
  });
