/** Percentile (nearest rank) of a sample, in the sample's unit. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Summary {
  name: string;
  n: number;
  p50: number;
  p99: number;
}

/** Runs `task` `n` times one after another and summarizes its latencies in milliseconds. */
export async function measure(name: string, n: number, task: (i: number) => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await task(i);
    samples.push(performance.now() - start);
  }
  return { name, n, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
