/**
 * Savings at equal accuracy (METHOD.md §3): a target validation accuracy is
 * declared before the run; each arm's compute is what it spent until its
 * first validation check at or above the target, and the savings of an arm
 * are `1 − C_arm / C_reference` at that same target. An arm that never
 * reaches the target has no compute-to-target: it is "not reached", never a
 * number.
 *
 * @example
 * ```ts
 * import { computeToTarget, resolveTarget, savingsAtTarget } from "./equal_accuracy.ts";
 * const target = resolveTarget({ kind: "relative", fraction: 0.98, reference: "quadratic-scratch" }, 0.9);
 * const scratch = computeToTarget([{ step: 10, flops: 4e9, seconds: 8, top1: 0.89 }], target);
 * const ours = computeToTarget([{ step: 5, flops: 1e9, seconds: 2, top1: 0.885 }], target);
 * savingsAtTarget(ours, scratch, "flops"); // 0.75
 * ```
 * @module
 */
import { ConfigError } from "@quadranet/core";
import type { SeedsToTarget, TargetRule } from "@quadranet/core/records";
import { meanStd } from "./seed_stats.ts";

export type { SeedsToTarget, TargetRule };

/** One validation check: cumulative training compute so far and validation top-1. */
export interface ValidationCheck {
  step: number;
  /** Analytic training FLOPs up to this check. */
  flops: number;
  /** Measured training seconds up to this check (evaluation and checkpoints excluded). */
  seconds: number;
  top1: number;
}

/** The default: 98 % of quadratic-scratch's final validation accuracy. */
export const DEFAULT_TARGET: Extract<TargetRule, { kind: "relative" }> = {
  kind: "relative",
  fraction: 0.98,
  reference: "quadratic-scratch",
};

/** Reads a `--target` value: `0.9` (absolute) or `98%` (of the reference's final validation top-1). */
export function parseTarget(value: string | number | undefined, reference: string): TargetRule {
  if (value === undefined || value === "") return { ...DEFAULT_TARGET, reference };
  const s = String(value).trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(s);
  if (pct) {
    const fraction = Number(pct[1]) / 100;
    if (fraction > 0 && fraction <= 1) return { kind: "relative", fraction, reference };
  } else {
    const top1 = Number(s);
    if (Number.isFinite(top1) && top1 > 0 && top1 <= 1) return { kind: "absolute", top1 };
  }
  throw new ConfigError(
    "target",
    `target must be an accuracy in (0, 1] (e.g. 0.9) or a percentage of ${reference}'s final ` +
      `validation top-1 (e.g. 98%), got "${s}"`,
  );
}

/** A rule's target accuracy, given the reference arm's final validation top-1 (for relative rules). */
export function resolveTarget(rule: TargetRule, referenceFinalTop1?: number): number {
  if (rule.kind === "absolute") return rule.top1;
  if (referenceFinalTop1 === undefined || !Number.isFinite(referenceFinalTop1)) {
    throw new ConfigError(
      "target",
      `the target is ${100 * rule.fraction}% of ${rule.reference}'s final validation top-1, ` +
        `but ${rule.reference} did not run; add it to --methods or give an absolute --target`,
    );
  }
  return rule.fraction * referenceFinalTop1;
}

/** A rule in words, for reports. */
export function describeTarget(rule: TargetRule): string {
  return rule.kind === "absolute"
    ? `validation top-1 ≥ ${(100 * rule.top1).toFixed(2)}%`
    : `${(100 * rule.fraction).toFixed(0)}% of ${rule.reference}'s final validation top-1`;
}

/** Compute to the first check at or above the target, or "not reached". */
export type ToTarget =
  | { reached: true; step: number; flops: number; seconds: number; top1: number }
  | { reached: false; bestTop1: number | null };

/** The first check (in step order) whose top-1 is at least `target`. */
export function computeToTarget(checks: readonly ValidationCheck[], target: number): ToTarget {
  const sorted = [...checks].sort((a, b) => a.step - b.step);
  // 1e-12: a relative target of 100% must be reached by the very check it came from
  const hit = sorted.find((c) => c.top1 >= target - 1e-12);
  if (hit) {
    return {
      reached: true,
      step: hit.step,
      flops: hit.flops,
      seconds: hit.seconds,
      top1: hit.top1,
    };
  }
  return {
    reached: false,
    bestTop1: sorted.length ? Math.max(...sorted.map((c) => c.top1)) : null,
  };
}

/** `1 − C_arm / C_reference` in `unit`; null when either did not reach the target. */
export function savingsAtTarget(
  arm: ToTarget,
  reference: ToTarget,
  unit: "flops" | "seconds",
): number | null {
  if (!arm.reached || !reference.reached || !(reference[unit] > 0)) return null;
  return 1 - arm[unit] / reference[unit];
}

/** Summarises per-seed results (`arm[i]` and `reference[i]` from seed i). */
export function summariseSeeds(
  arm: readonly ToTarget[],
  reference: readonly ToTarget[],
): SeedsToTarget {
  const hits = arm.filter((t): t is Extract<ToTarget, { reached: true }> => t.reached);
  const out: SeedsToTarget = { reached: hits.length, n: arm.length };
  if (hits.length) {
    out.flops = meanStd(hits.map((h) => h.flops));
    out.seconds = meanStd(hits.map((h) => h.seconds));
  }
  const sf = arm.map((a, i) => savingsAtTarget(a, reference[i], "flops"));
  const ss = arm.map((a, i) => savingsAtTarget(a, reference[i], "seconds"));
  if (arm.length && sf.every((s) => s !== null)) out.savingsFlops = meanStd(sf as number[]);
  if (arm.length && ss.every((s) => s !== null)) out.savingsSeconds = meanStd(ss as number[]);
  return out;
}
