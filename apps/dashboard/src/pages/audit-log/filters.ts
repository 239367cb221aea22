import {
  AUDIT_ACTIONS,
  AUDIT_ACTOR_PATTERN,
  AUDIT_TARGET_MAX_LENGTH,
  type AuditAction,
  type AuditFilter,
} from "@relaypost/contract";

/**
 * The filters as the page's URL keeps them: `actor` (as the API names it), one `action`, `target` text, and `from` and
 * `to` as local calendar days (YYYY-MM-DD), both included.
 */
export type AuditParams = { actor?: string; action?: string; target?: string; from?: string; to?: string };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight at the start of `day`, or undefined when it is not a calendar day. */
export function startOfDay(day: string | undefined): Date | undefined {
  const match = day ? DAY.exec(day) : null;
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const start = new Date(year, month, date);
  // Rejects days that do not exist (2026-02-30), which Date would roll over into the next month.
  return start.getFullYear() === year && start.getMonth() === month && start.getDate() === date ? start : undefined;
}

const nextDay = (start: Date) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1);

export const isAuditAction = (value: string | undefined): value is AuditAction =>
  (AUDIT_ACTIONS as readonly string[]).includes(value ?? "");

export interface ParsedFilter {
  filter: AuditFilter;
  /** Set when `to` is before `from`: the end is then left out, as the API would refuse the range. */
  rangeError: string | null;
}

/** The API's filter for what the URL says; values no filter can take (a typo in a shared link) are left out. */
export function filterFromParams(params: AuditParams): ParsedFilter {
  const since = startOfDay(params.from);
  const toDay = startOfDay(params.to);
  const until = toDay ? nextDay(toDay) : undefined;
  const reversed = since !== undefined && until !== undefined && until <= since;
  const target = params.target?.trim().slice(0, AUDIT_TARGET_MAX_LENGTH);
  return {
    filter: {
      actor: params.actor && AUDIT_ACTOR_PATTERN.test(params.actor) ? params.actor : undefined,
      actions: isAuditAction(params.action) ? [params.action] : undefined,
      target: target || undefined,
      since,
      until: reversed ? undefined : until,
    },
    rangeError: reversed ? "“To” is before “From”, so only “From” applies." : null,
  };
}

export const isFiltered = (filter: AuditFilter) => Object.values(filter).some((value) => value !== undefined);

/** The footer's sentence: how much of what matches is on screen. */
export function footerText(shown: number, total: number, filtered: boolean): string {
  if (total === 1 && shown === 1) return `Showing the only entry${filtered ? " that matches the filters" : ""}`;
  const matching = filtered ? " that match the filters" : "";
  return shown < total ? `Showing ${shown} of ${total} entries${matching}` : `Showing all ${total} entries${matching}`;
}
