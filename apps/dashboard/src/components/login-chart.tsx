import { createMemo, createUniqueId, For, Index } from "solid-js";
import { useNow } from "../lib/clock";
import { CHART_MINUTES } from "../lib/login-counts";
import { useSession } from "../lib/session";
import { formatClock } from "../lib/time";

/** One bar of a login chart: its period in words and its logins. */
export interface LoginBar {
  label: string;
  accepted: number;
  rejected: number;
}

/**
 * Accepted and rejected logins as stacked bars, oldest first. `description` says what a bar stands for; the image's
 * name adds the totals, and each bar's own title its numbers.
 */
export function LoginBars(props: {
  title: string;
  description: string;
  bars: LoginBar[];
  scale: string[];
  testId?: string;
}) {
  const titleId = createUniqueId();
  const totals = createMemo(() =>
    props.bars.reduce((sum, b) => ({ accepted: sum.accepted + b.accepted, rejected: sum.rejected + b.rejected }), {
      accepted: 0,
      rejected: 0,
    }),
  );
  const peak = createMemo(() => Math.max(4, ...props.bars.map((b) => b.accepted + b.rejected)));
  const width = 300;
  const height = 72;
  const slot = () => width / Math.max(1, props.bars.length);
  const scale = (n: number) => (n / peak()) * (height - 4);
  return (
    <figure class="chart" aria-labelledby={titleId} data-testid={props.testId}>
      <figcaption id={titleId} class="chart-caption">
        <span class="chart-title">{props.title}</span>
        <span class="chart-legend">
          <span class="legend legend-accepted" data-testid="chart-accepted">
            <span class="swatch" /> {totals().accepted} accepted
          </span>
          <span class="legend legend-rejected" data-testid="chart-rejected">
            <span class="swatch" /> {totals().rejected} rejected
          </span>
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${props.description}: ${totals().accepted} accepted, ${totals().rejected} rejected`}
      >
        <line x1="0" x2={width} y1={height - 0.5} y2={height - 0.5} class="chart-axis" />
        <Index each={props.bars}>
          {(b, i) => (
            <g>
              <title>
                {b().label}: {b().accepted} accepted, {b().rejected} rejected
              </title>
              <rect
                class="bar-accepted"
                x={i * slot() + 1}
                width={slot() - 2}
                y={height - scale(b().accepted)}
                height={scale(b().accepted)}
                rx="1"
              />
              <rect
                class="bar-rejected"
                x={i * slot() + 1}
                width={slot() - 2}
                y={height - scale(b().accepted) - scale(b().rejected)}
                height={scale(b().rejected)}
                rx="1"
              />
            </g>
          )}
        </Index>
      </svg>
      <div class="chart-scale" aria-hidden="true">
        <For each={props.scale}>{(label) => <span>{label}</span>}</For>
      </div>
    </figure>
  );
}

/** Accepted and rejected logins per minute as stacked bars, for one credential or the whole organization. */
export function LoginChart(props: { credentialId?: string | undefined; title: string }) {
  const { live } = useSession();
  const now = useNow();
  const bars = createMemo(() =>
    live()
      .perMinute(props.credentialId, now())
      .map((m) => ({ label: formatClock(new Date(m.minute)), accepted: m.accepted, rejected: m.rejected })),
  );
  return (
    <LoginBars
      title={props.title}
      description={`Logins per minute over the last ${CHART_MINUTES} minutes`}
      bars={bars()}
      scale={[`${CHART_MINUTES} min ago`, "now"]}
    />
  );
}
