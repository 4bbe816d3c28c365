/**
 * Timing helpers for the benches: median of repeated runs after a warm-up.
 *
 * @example
 * ```ts
 * import { timeMs } from "./timing.ts";
 * const ms = timeMs(() => new Float32Array(1e6).fill(1), 5); // median of 5 runs
 * ```
 * @module
 */

/** Median wall milliseconds of `reps` runs of `f`, after one warm-up run. */
export function timeMs(f: () => void, reps: number): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** `a/b` formatted as a ratio, or "–" when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? "–" : `${(a / b).toFixed(2)}x`;
}

/** Milliseconds formatted for a table cell, or the reason it is missing. */
export function cell(ms: number | string | undefined): string {
  if (ms === undefined) return "–";
  return typeof ms === "string" ? ms : ms >= 100 ? ms.toFixed(0) : ms.toFixed(2);
}
