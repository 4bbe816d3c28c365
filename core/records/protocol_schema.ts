/**
 * The record schema of a comparison run under the protocol (tasks/protocol):
 * statistics over seeds, the declared target, compute to target and
 * savings, one {@link ProtocolRow} per arm; with a validating parser for the
 * rows. A protocol comparison's `summary.json` carries `protocol: 1` and
 * the fields of {@link ProtocolComparison}.
 *
 * @example
 * ```ts
 * import { parseProtocolRow } from "@quadranet/core/records";
 * const ms = { mean: 0.9, std: 0, n: 1 };
 * const row = parseProtocolRow({
 *   method: "quadratic",
 *   trainableParams: 1,
 *   inferenceFlops: 1,
 *   runIds: [],
 *   test: ms,
 *   validation: ms,
 *   budgetFlops: ms,
 *   budgetSeconds: ms,
 *   paired: null,
 *   toTarget: null,
 * }, "summary.json");
 * row.test.mean; // 0.9
 * ```
 * @module
 */
import { RecordError } from "../errors.ts";

/** Mean and sample standard deviation (n − 1; 0 for one value) over `n` seeds. */
export interface MeanStd {
  /** Mean over the seeds. */
  mean: number;
  /** Sample standard deviation (n − 1; 0 for one value). */
  std: number;
  /** Number of seeds. */
  n: number;
}

/** What a paired difference says. */
export type Verdict = "higher" | "lower" | "tie" | "single seed";

/** `arm − reference` per seed, summarised, with its verdict (tie: |mean| < 2 std). */
export interface PairedDifference extends MeanStd {
  /** What the difference says (tie: |mean| < 2 std). */
  verdict: Verdict;
}

/** How the target is declared: an absolute accuracy, or a fraction of a reference arm's final validation accuracy. */
export type TargetRule =
  | { kind: "absolute"; top1: number }
  | { kind: "relative"; fraction: number; reference: string };

/** Compute-to-target and savings of one arm over seeds. */
export interface SeedsToTarget {
  /** Seeds in which the arm reached the target, of `n`. */
  reached: number;
  /** Number of seeds. */
  n: number;
  /** Over the seeds where it reached (absent when none did). */
  flops?: MeanStd;
  /** Training CPU seconds to the target, over the seeds that reached it. */
  seconds?: MeanStd;
  /** Per-seed savings against the reference, only when the arm reached the target in every seed. */
  savingsFlops?: MeanStd;
  /** Savings in training CPU seconds (every seed reached the target). */
  savingsSeconds?: MeanStd;
}

/** One arm of a protocol comparison. */
export interface ProtocolRow {
  /** The arm (method) name. */
  method: string;
  /** Whether it starts from the pre-trained network. */
  fromPretrained: boolean;
  /** Parameters trained in any stage. */
  trainableParams: number;
  /** Forward FLOPs per example at inference. */
  inferenceFlops: number;
  /** inferenceFlops / the first-order network's − 1 (null without a baseline). */
  inferenceOverhead: number | null;
  /** Learning rate the arm ran with (absent for untrained arms). */
  lr?: number;
  /** The arm's run at each seed. */
  runIds: string[];
  /** Test top-1 (read once per run) over seeds. */
  test: MeanStd;
  /** Final validation top-1 over seeds. */
  validation: MeanStd;
  /** `this − pairedWith` per seed (null for that arm itself or when it did not run). */
  paired: PairedDifference | null;
  /** Null when no target could be declared. */
  toTarget: SeedsToTarget | null;
  /** The whole budget: analytic training FLOPs and training CPU seconds. */
  budgetFlops: MeanStd;
  /** The whole budget in training CPU seconds. */
  budgetSeconds: MeanStd;
}

/** A protocol comparison, as stored in its `summary.json`. */
export interface ProtocolComparison {
  /** The declared target and its per-seed values (null when none could be declared). */
  target: { rule: TargetRule; perSeed: number[] } | null;
  /** Why there is no target (e.g. its reference arm did not run). */
  targetNote?: string;
  /** The arm every paired difference is taken against. */
  pairedWith: string;
  /** The replicate seeds. */
  seeds: number[];
  /** Sunk pre-training of the first-order network, shown once. */
  pretrain?: { runId: string; flops: number; cpuSeconds: number; top1: number; on: string };
  /** One row per arm, in report order. */
  rows: ProtocolRow[];
}

function fail(where: string, field: string, want: string, got: unknown): never {
  const shown = got === undefined ? "missing" : JSON.stringify(got)?.slice(0, 60);
  throw new RecordError(where, field, `${field} must be ${want} (got ${shown})`);
}

function meanStd(v: unknown, where: string, field: string): void {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== "object" || o === null) fail(where, field, "{ mean, std, n }", v);
  for (const k of ["mean", "std", "n"]) {
    if (typeof o[k] !== "number") fail(where, `${field}.${k}`, "a number", o[k]);
  }
}

/** Validates one protocol row; `where` names the file, `field` the row. */
export function parseProtocolRow(value: unknown, where: string, field = "row"): ProtocolRow {
  const o = value as Record<string, unknown> | null;
  if (typeof o !== "object" || o === null || Array.isArray(o)) fail(where, field, "an object", o);
  if (typeof o.method !== "string") fail(where, `${field}.method`, "a string", o.method);
  for (const k of ["trainableParams", "inferenceFlops"]) {
    if (typeof o[k] !== "number") fail(where, `${field}.${k}`, "a number", o[k]);
  }
  if (!Array.isArray(o.runIds)) fail(where, `${field}.runIds`, "an array of run ids", o.runIds);
  for (const k of ["test", "validation", "budgetFlops", "budgetSeconds"]) {
    meanStd(o[k], where, `${field}.${k}`);
  }
  if (o.paired !== null) meanStd(o.paired, where, `${field}.paired`);
  if (o.toTarget !== null) {
    const t = o.toTarget as Record<string, unknown> | undefined;
    if (typeof t?.reached !== "number" || typeof t?.n !== "number") {
      fail(where, `${field}.toTarget`, "{ reached, n, ... } or null", t);
    }
  }
  return o as unknown as ProtocolRow;
}
