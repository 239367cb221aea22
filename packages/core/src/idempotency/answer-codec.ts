/**
 * A stored answer as JSON that gives its Dates back as Dates, so a replayed answer is the first one, field for field.
 * A Date is written as `{ "$date": iso }`; no answer of ours has a field named `$date` of its own.
 */
export function encodeAnswer(answer: unknown): string {
  return JSON.stringify(answer, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });
}

export function decodeAnswer(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === "object" && "$date" in value && typeof value.$date === "string") {
      return new Date(value.$date);
    }
    return value;
  });
}

/** The same JSON for the same data whatever the order of its keys: what a request's fingerprint is taken of. */
export function canonicalJson(value: unknown): string {
  return encodeAnswer(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
}
