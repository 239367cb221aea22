import { z } from "zod";
import { appRouter } from "./root";

type ProcedureDef = { _def: { inputs: unknown[]; type: string } };
// At run time the router keeps a flat map from "domain.procedure" paths to procedures.
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;

/** Every procedure path of the router, e.g. "smtpCredentials.create"; tests use it to prove they cover them all. */
export const procedurePaths = (): string[] => Object.keys(procedures).sort();

/** The top-level input field names a procedure accepts, read from its zod schema. */
export function inputKeys(path: string): string[] {
  const keys: string[] = [];
  for (const input of procedures[path]?._def.inputs ?? []) {
    let schema: unknown = input;
    while (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) schema = schema.unwrap();
    if (schema instanceof z.ZodObject) keys.push(...Object.keys(schema.shape));
  }
  return keys;
}
