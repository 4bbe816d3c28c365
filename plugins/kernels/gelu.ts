/**
 * Exact GELU, `0.5 · x · (1 + erf(x / √2))`, as a differentiable tfjs op
 * (tfjs-core has no GELU op).
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { gelu } from "./gelu.ts";
 * gelu(tf.tensor1d([0, 1])).dataSync(); // [0, 0.8413]
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

/** GELU(x) elementwise. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}
