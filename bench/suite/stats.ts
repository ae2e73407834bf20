/** Small statistics helpers of the benchmark suite. */

/** Median (upper median for an even count). */
export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Nearest-rank percentile, p in 0..100. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Round to `d` decimals. */
export function round(x: number, d = 1): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** Summary of repeated measurements of one figure. */
export interface Series {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Summarize measured runs (warm-ups already dropped). */
export function series(runs: number[], d = 1): Series {
  return { median: round(median(runs), d), min: round(Math.min(...runs), d), max: round(Math.max(...runs), d), runs: runs.map((r) => round(r, d)) };
}

/** 1-minute load average, as read from /proc/loadavg (NaN elsewhere). */
export function load1(): number {
  try {
    return Number(require('node:fs').readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}
