/**
 * A comparison under the protocol: per arm and seed, the test accuracy (read
 * once), the validation checks (cumulative analytic training FLOPs and
 * training seconds) and the final validation accuracy; summarised over seeds
 * as mean ± std, the paired difference to a chosen arm (the quadratic
 * adapter) with the two-std tie rule, and compute-to-target and savings at
 * equal accuracy against the target's reference arm (quadratic-scratch).
 *
 * @example
 * ```ts
 * import { buildComparison } from "./comparison.ts";
 * import { DEFAULT_TARGET } from "./equal_accuracy.ts";
 * const c = buildComparison([], { target: DEFAULT_TARGET, pairedWith: "quadratic" });
 * c.targetNote; // "no target: its reference arm quadratic-scratch did not run"
 * ```
 * @module
 */
import {
  computeToTarget,
  resolveTarget,
  summariseSeeds,
  type TargetRule,
  type ToTarget,
  type ValidationCheck,
} from "./equal_accuracy.ts";
import type { ProtocolComparison, ProtocolRow } from "@quadranet/core/records";
import { meanStd, pairedDifference } from "./seed_stats.ts";

/** One seed of one arm. */
export interface SeedResult {
  seed: number;
  runId?: string;
  testTop1: number;
  /** Final validation top-1 (the last check). */
  validationTop1: number;
  checks: ValidationCheck[];
  /** The whole budget the arm was given (FLOPs, training CPU seconds). */
  budgetFlops: number;
  budgetSeconds: number;
}

/** One arm over seeds. */
export interface ArmResult {
  method: string;
  fromPretrained: boolean;
  trainableParams: number;
  /** Forward FLOPs per example at inference. */
  inferenceFlops: number;
  /** Learning rate the arm ran with (absent for untrained arms). */
  lr?: number;
  seeds: SeedResult[];
}

/** One summarised row (the record schema's {@link ProtocolRow}). */
export type ComparisonRow = ProtocolRow;

/** The whole comparison, as stored in the comparison's `summary.json`. */
export type Comparison = ProtocolComparison;

/** Options of {@link buildComparison}. */
export interface BuildOptions {
  target: TargetRule;
  pairedWith: string;
  /** Forward FLOPs per example of the first-order network, for the inference overhead. */
  baseInferenceFlops?: number;
  pretrain?: Comparison["pretrain"];
}

/** Summarises per-seed arm results; every arm must have run the same seeds. */
export function buildComparison(arms: readonly ArmResult[], o: BuildOptions): Comparison {
  const seeds = arms[0]?.seeds.map((s) => s.seed) ?? [];
  for (const a of arms) {
    if (a.seeds.map((s) => s.seed).join() !== seeds.join()) {
      throw new RangeError(
        `arm ${a.method} ran seeds ${a.seeds.map((s) => s.seed)}, others ${seeds}: pair them`,
      );
    }
  }
  let target: Comparison["target"] = null, targetNote: string | undefined;
  const rule = o.target;
  const ref = rule.kind === "relative" ? arms.find((a) => a.method === rule.reference) : undefined;
  if (rule.kind === "absolute") {
    target = { rule, perSeed: seeds.map(() => resolveTarget(rule)) };
  } else if (ref) {
    target = { rule, perSeed: ref.seeds.map((s) => resolveTarget(rule, s.validationTop1)) };
  } else {
    targetNote = `no target: its reference arm ${rule.reference} did not run`;
  }
  const hits = (a: ArmResult): ToTarget[] =>
    a.seeds.map((s, i) => computeToTarget(s.checks, target!.perSeed[i]));
  // savings are measured against the reference arm (or, for absolute targets, quadratic-scratch if present)
  const refArm = ref ?? arms.find((a) => a.method === "quadratic-scratch");
  const refHits = target && refArm ? hits(refArm) : null;
  const pairedArm = arms.find((a) => a.method === o.pairedWith);
  const rows = arms.map((a): ComparisonRow => ({
    method: a.method,
    fromPretrained: a.fromPretrained,
    trainableParams: a.trainableParams,
    inferenceFlops: a.inferenceFlops,
    inferenceOverhead: o.baseInferenceFlops ? a.inferenceFlops / o.baseInferenceFlops - 1 : null,
    ...(a.lr !== undefined ? { lr: a.lr } : {}),
    runIds: a.seeds.flatMap((s) => (s.runId ? [s.runId] : [])),
    test: meanStd(a.seeds.map((s) => s.testTop1)),
    validation: meanStd(a.seeds.map((s) => s.validationTop1)),
    paired: pairedArm && a !== pairedArm
      ? pairedDifference(a.seeds.map((s) => s.testTop1), pairedArm.seeds.map((s) => s.testTop1))
      : null,
    toTarget: target
      ? summariseSeeds(hits(a), refHits ?? hits(a).map(() => ({ reached: false, bestTop1: null })))
      : null,
    budgetFlops: meanStd(a.seeds.map((s) => s.budgetFlops)),
    budgetSeconds: meanStd(a.seeds.map((s) => s.budgetSeconds)),
  }));
  return {
    target,
    ...(targetNote ? { targetNote } : {}),
    pairedWith: o.pairedWith,
    seeds,
    ...(o.pretrain ? { pretrain: o.pretrain } : {}),
    rows,
  };
}
