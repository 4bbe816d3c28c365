/**
 * Test support: compares `tf.grad` of a scalar function with central finite
 * differences at a few coordinates.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { checkGradient } from "./grad_check.ts";
 * checkGradient((x) => tf.sum(tf.square(x)), tf.tensor1d([1, 2]), [0, 1]);
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

/**
 * Throws unless `∂f/∂x_i` from autodiff is within `tol·max(1, |fd|)` of
 * `(f(x + h e_i) − f(x − h e_i)) / 2h` for every i in `indices`.
 * Returns the largest absolute difference seen.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  indices: number[],
  { h = 1e-2, tol = 1e-2 }: { h?: number; tol?: number } = {},
): number {
  const g = tf.tidy(() => tf.grad(f)(x).dataSync());
  const base = x.dataSync();
  let worst = 0;
  for (const i of indices) {
    const plus = base.slice(), minus = base.slice();
    plus[i] += h;
    minus[i] -= h;
    const fd = tf.tidy(() =>
      (f(tf.tensor(plus, x.shape)).dataSync()[0] - f(tf.tensor(minus, x.shape)).dataSync()[0]) /
      (2 * h)
    );
    const diff = Math.abs(fd - g[i]);
    worst = Math.max(worst, diff);
    if (!(diff <= tol * Math.max(1, Math.abs(fd)))) {
      throw new Error(`gradient at ${i}: autodiff ${g[i]} vs finite difference ${fd}`);
    }
  }
  return worst;
}
