/**
 * Statistics over seeds: mean ± sample standard deviation, and the paired
 * difference of an arm to a reference arm seed by seed (same split, same
 * initialisation seed). A paired difference whose magnitude is under two
 * standard deviations of the per-seed differences is reported as a tie; with
 * one seed no verdict is possible and none is given.
 *
 * @example
 * ```ts
 * import { meanStd, pairedDifference } from "./seed_stats.ts";
 * meanStd([0.8, 0.9, 1.0]); // { mean: 0.9, std: 0.1, n: 3 }
 * pairedDifference([0.9, 0.8, 0.7], [0.8, 0.75, 0.6]).verdict; // "higher" (0.05 ± ... )
 * ```
 * @module
 */

import type { MeanStd, PairedDifference, Verdict } from "@quadranet/core/records";

export type { MeanStd, PairedDifference, Verdict };

/** Mean ± sample standard deviation of `xs` (`std` is 0 for a single value). */
export function meanStd(xs: readonly number[]): MeanStd {
  const n = xs.length;
  if (n === 0) throw new RangeError("meanStd needs at least one value");
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}

/**
 * Paired difference `arm[i] − reference[i]` over seeds. Verdict: `tie` when
 * `|mean| < 2·std` (or both are 0), else `higher`/`lower`; `single seed`
 * when n = 1.
 */
export function pairedDifference(
  arm: readonly number[],
  reference: readonly number[],
): PairedDifference {
  if (arm.length !== reference.length || arm.length === 0) {
    throw new RangeError(
      `paired difference needs the same seeds on both sides, got ${arm.length} and ${reference.length}`,
    );
  }
  const d = meanStd(arm.map((a, i) => a - reference[i]));
  let verdict: Verdict;
  if (d.n < 2) verdict = "single seed";
  else if (Math.abs(d.mean) < 2 * d.std || d.mean === 0) verdict = "tie";
  else verdict = d.mean > 0 ? "higher" : "lower";
  return { ...d, verdict };
}

/** `mean ± std` with `digits` decimals, scaled by `scale` (e.g. 100 for percent). */
export function formatMeanStd(m: MeanStd, digits = 2, scale = 1): string {
  const mean = (m.mean * scale).toFixed(digits);
  return m.n > 1 ? `${mean} ± ${(m.std * scale).toFixed(digits)}` : mean;
}
