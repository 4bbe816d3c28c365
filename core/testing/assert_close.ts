/**
 * Numeric assertions for tests.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { assertClose, maxAbsDiff } from "@quadranet/core/testing";
 * const a = tf.tensor1d([1, 2]), b = tf.tensor1d([1, 2.0000001]);
 * assertClose(maxAbsDiff(a, b), 0, 1e-6, "outputs");
 * ```
 * @module
 */
import { tf } from "../tf.ts";

/** max |a − b| over all elements. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Throws unless |actual − expected| ≤ tol. */
export function assertClose(actual: number, expected: number, tol: number, what = "value"): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: ${actual} differs from ${expected} by more than ${tol}`);
  }
}
