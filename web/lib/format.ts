/**
 * Number formatting shared by server pages and islands.
 *
 * @example
 * ```ts
 * pct(0.9234); // "92.34%"
 * params(12_300); // "12.3k"
 * ```
 * @module
 */

/** A fraction as a percentage with two decimals. */
export function pct(v: number | undefined | null): string {
  return typeof v === "number" && Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : "–";
}

/** A parameter count, compact. */
export function params(n: number | undefined | null): string {
  if (typeof n !== "number") return "–";
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** Seconds with one decimal. */
export function secs(n: number | undefined | null): string {
  return typeof n === "number" && Number.isFinite(n) ? n.toFixed(1) : "–";
}

const FLOP_UNITS: [number, string][] = [[1e15, "PFLOP"], [1e12, "TFLOP"], [1e9, "GFLOP"], [
  1e6,
  "MFLOP",
], [1e3, "kFLOP"]];

/** FLOPs with the largest unit that keeps the number at 1 or more (991,956 → "991.96 kFLOP"). */
export function flops(n: number | undefined | null): string {
  if (typeof n !== "number" || !Number.isFinite(n)) return "–";
  for (const [scale, unit] of FLOP_UNITS) {
    if (Math.abs(n) >= scale) return `${(n / scale).toFixed(2)} ${unit}`;
  }
  return `${n} FLOP`;
}
