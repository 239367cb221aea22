/** The constraint a unique violation (SQLSTATE 23505) broke, looking through drizzle's wrapping; else undefined. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const candidate = e as { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    if (candidate.code === "23505") {
      const name = candidate.constraint_name ?? candidate.constraint;
      return typeof name === "string" ? name : "";
    }
  }
  return undefined;
}
