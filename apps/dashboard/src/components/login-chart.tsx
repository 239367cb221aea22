import { createMemo, createUniqueId, Index } from "solid-js";
import { useNow } from "../lib/clock";
import { CHART_MINUTES } from "../lib/login-counts";
import { useSession } from "../lib/session";
import { formatClock } from "../lib/time";

/** Accepted and rejected logins per minute as stacked bars, for one credential or the whole organization. */
export function LoginChart(props: { credentialId?: string | undefined; title: string }) {
  const { live } = useSession();
  const now = useNow();
  const titleId = createUniqueId();
  const minutes = createMemo(() => live().perMinute(props.credentialId, now()));
  const totals = createMemo(() =>
    minutes().reduce((sum, m) => ({ accepted: sum.accepted + m.accepted, rejected: sum.rejected + m.rejected }), {
      accepted: 0,
      rejected: 0,
    }),
  );
  const peak = createMemo(() => Math.max(4, ...minutes().map((m) => m.accepted + m.rejected)));
  const width = 300;
  const height = 72;
  const slot = width / CHART_MINUTES;
  const scale = (n: number) => (n / peak()) * (height - 4);
  return (
    <figure class="chart" aria-labelledby={titleId}>
      <figcaption id={titleId} class="chart-caption">
        <span class="chart-title">{props.title}</span>
        <span class="chart-legend">
          <span class="legend legend-accepted">
            <span class="swatch" /> {totals().accepted} accepted
          </span>
          <span class="legend legend-rejected">
            <span class="swatch" /> {totals().rejected} rejected
          </span>
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Logins per minute over the last ${CHART_MINUTES} minutes: ${totals().accepted} accepted, ${totals().rejected} rejected`}
      >
        <line x1="0" x2={width} y1={height - 0.5} y2={height - 0.5} class="chart-axis" />
        <Index each={minutes()}>
          {(m, i) => (
            <g>
              <title>
                {formatClock(new Date(m().minute))}: {m().accepted} accepted, {m().rejected} rejected
              </title>
              <rect
                class="bar-accepted"
                x={i * slot + 1}
                width={slot - 2}
                y={height - scale(m().accepted)}
                height={scale(m().accepted)}
                rx="1"
              />
              <rect
                class="bar-rejected"
                x={i * slot + 1}
                width={slot - 2}
                y={height - scale(m().accepted) - scale(m().rejected)}
                height={scale(m().rejected)}
                rx="1"
              />
            </g>
          )}
        </Index>
      </svg>
      <div class="chart-scale" aria-hidden="true">
        <span>{CHART_MINUTES} min ago</span>
        <span>now</span>
      </div>
    </figure>
  );
}
