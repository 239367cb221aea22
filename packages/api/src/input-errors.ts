import type { z } from "zod";

/** One refused input field: its dotted path ("limits.perHour"; "" for the input as a whole) and why. */
export interface FieldError {
  field: string;
  detail: string;
}

/** Each zod issue as a field error; an unknown field is named as its own field, so a typo points at itself. */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: [...at, key].join("."), detail: "Unknown field" }));
    }
    return [{ field: at.join("."), detail: issue.message }];
  });
}

/** A sentence a person can read, for tRPC's message and the problem's `detail`; the fields stay listed apart. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  const shown = errors.slice(0, 3).map(({ field, detail }) => (field ? `${field}: ${detail}` : detail));
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : "";
  return `Invalid input: ${shown.join("; ")}${more}`;
}

/**
 * The refused fields as tRPC's `fieldErrors` carries them: by the field's own path ("limits.perHour"), and by its
 * top-level field too, for a form that marks only those. An item of a list counts as the list ("allowedIps"), which
 * is where a form shows it. Issues about the input as a whole are in the message only.
 */
export function fieldErrorMap(errors: readonly FieldError[]): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  const add = (field: string, detail: string) => {
    map[field] = [...(map[field] ?? []), detail];
  };
  for (const { field, detail } of errors) {
    const segments = field.split(".");
    const firstIndex = segments.findIndex((segment) => /^\d+$/.test(segment));
    const named = (firstIndex === -1 ? segments : segments.slice(0, firstIndex)).join(".");
    if (named === "") continue;
    add(named, detail);
    const top = segments[0] ?? "";
    if (top !== named) add(top, detail);
  }
  return map;
}
