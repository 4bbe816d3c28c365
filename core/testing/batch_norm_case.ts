/**
 * A hand-worked BatchNorm (training) case, for every implementation of
 * `batchNormTraining` (the tfjs composite, a backend's fused kernel): one
 * channel, x = [1, 3], γ = 2, β = 1, moving μ = 0, moving σ² = 1, ε = 1e-3,
 * momentum 0.9.
 *
 * Batch μ = 2, σ² = 1 (biased); y = γ(x − μ)/√(σ² + ε) + β = 1 ∓ 2/√1.001;
 * moving μ ← 0 − (0 − 2)·(1 − 0.9) = 0.2; moving σ² ← 1 − (1 − 1)·0.1 = 1.
 *
 * @example
 * ```ts
 * import { batchNormHandCase, checkBatchNormHandCase } from "@quadranet/core/testing";
 * checkBatchNormHandCase(batchNormHandCase().map((t) => t.dataSync()));
 * ```
 * @module
 */
import { batchNormTraining } from "../fused/batch_norm.ts";
import { tf } from "../tf.ts";

/** `[y, mean, variance, movingMean, movingVariance]` of the case on the current backend. */
export function batchNormHandCase(): tf.Tensor[] {
  const r = batchNormTraining(
    tf.tensor2d([[1], [3]]),
    tf.tensor1d([2]),
    tf.tensor1d([1]),
    tf.tensor1d([0]),
    tf.tensor1d([1]),
    { epsilon: 1e-3, momentum: 0.9 },
  );
  return [r.y, r.mean, r.variance, r.movingMean, r.movingVariance];
}

/** Throws unless `[y, mean, variance, movingMean, movingVariance]` are the case's hand-worked values. */
export function checkBatchNormHandCase(outs: ArrayLike<number>[]): void {
  const [y, mean, variance, mm, mv] = outs;
  const s = 2 / Math.sqrt(1.001);
  const want: [string, ArrayLike<number>, number[], number][] = [
    ["y", y, [1 - s, 1 + s], 1e-6],
    ["mean", mean, [2], 0],
    ["variance", variance, [1], 0],
    ["moving mean", mm, [0.2], 1e-7],
    ["moving variance", mv, [1], 0],
  ];
  for (const [what, got, expected, tol] of want) {
    const ok = got.length === expected.length &&
      expected.every((e, i) => Math.abs(got[i] - e) <= tol);
    if (!ok) {
      throw new Error(`BatchNorm ${what}: [${Array.from(got)}], expected [${expected}] ± ${tol}`);
    }
  }
}
