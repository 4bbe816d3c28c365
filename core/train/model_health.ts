/**
 * The one place that decides whether a model is healthy: every weight
 * (BatchNorm moving statistics included) finite and, when given, a finite
 * evaluation loss. Nothing is marked `completed`, cached as pre-trained or
 * checkpointed as "good" without passing it.
 *
 * @example
 * ```ts
 * import { checkHealthy, modelHealth, tf } from "@quadranet/core";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
 * const report = await modelHealth(model, { loss: 0.41 });
 * if (!report.healthy) console.error(report.problems.join("\n"));
 * await checkHealthy(model, "the pre-trained network"); // throws UnhealthyModelError
 * ```
 * @module
 */
import { QuadraNetError } from "../errors.ts";
import type { tf } from "../tf.ts";

/** A model has non-finite weights or statistics, or a non-finite evaluation loss. */
export class UnhealthyModelError extends QuadraNetError {
  /** The model named ("The model after epoch 2 of stage adapt"). */
  readonly what: string;
  /** What is wrong, one line each. */
  readonly problems: string[];
  /** `advice` says what to do (it ends the message). */
  constructor(what: string, problems: string[], advice: string) {
    super(`${what} is not healthy: ${problems.join("; ")}. ${advice}`);
    this.what = what;
    this.problems = problems;
  }
}

/** What {@link modelHealth} found. */
export interface HealthReport {
  /** Whether nothing is wrong. */
  healthy: boolean;
  /** One line per problem (at most 5 weights named, then a count). */
  problems: string[];
}

/** Count of non-finite values in `data`. */
export function countNonFinite(data: ArrayLike<number>): number {
  let bad = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) bad++;
  return bad;
}

/**
 * Checks every weight of `model` (trainable or not) and, when `metrics` is
 * given, that its loss is finite. Asynchronous: weights are read with
 * `data()`, which every backend supports (GPU backends cannot read synchronously).
 */
export async function modelHealth(
  model: tf.LayersModel,
  metrics?: { loss: number },
): Promise<HealthReport> {
  const problems: string[] = [];
  let badWeights = 0;
  for (const w of model.weights) {
    const t = w.read();
    if (t.dtype !== "float32") continue;
    const bad = countNonFinite(await t.data() as Float32Array);
    if (bad === 0) continue;
    badWeights++;
    if (badWeights <= 5) problems.push(`${w.name}: ${bad} of ${t.size} values not finite`);
  }
  if (badWeights > 5) problems.push(`and ${badWeights - 5} more weights with non-finite values`);
  if (metrics && !Number.isFinite(metrics.loss)) {
    problems.push(`evaluation loss is ${metrics.loss}`);
  }
  return { healthy: problems.length === 0, problems };
}

/** Advice for a diverged training run. */
export const DIVERGED_ADVICE: string =
  "Training diverged: lower the learning rate (--lr), enable gradient clipping (--clip-norm) " +
  "or add warmup (--warmup-steps)";

/** Throws {@link UnhealthyModelError} naming `what` unless the model is healthy. */
export async function checkHealthy(
  model: tf.LayersModel,
  what: string,
  metrics?: { loss: number },
  advice = DIVERGED_ADVICE,
): Promise<void> {
  const r = await modelHealth(model, metrics);
  if (!r.healthy) throw new UnhealthyModelError(what, r.problems, advice);
}
