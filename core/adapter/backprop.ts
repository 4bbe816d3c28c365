/**
 * Backprop strategies for the quadratic term of an adapted layer.
 *
 * `"autodiff"` (built in, the default) lets tfjs tape every intermediate.
 * Other strategies (e.g. memory-efficient recomputation) come from plugins
 * registered as kind `"backprop"`.
 *
 * @example
 * ```ts
 * import { lookup } from "@quadranet/core";
 * const autodiff = lookup("backprop", "autodiff"); // a BackpropStrategy
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { QuadraticLayer } from "./quadratic_layer.ts";

/** Computes a layer's scaled quadratic term `s · P k(Ux, Vx)` for input `x`. */
export interface BackpropStrategy {
  readonly name: string;
  quadraticTerm(layer: QuadraticLayer, x: tf.Tensor, training: boolean): tf.Tensor;
}

/** Plain reverse-mode autodiff through the projections, kernel and `P`. */
export const autodiff: BackpropStrategy = {
  name: "autodiff",
  quadraticTerm(layer, x, training) {
    const [u, v] = layer.project(x);
    return layer.outProject(layer.kernelMethod.apply(u, v, layer.kernelContext(training)));
  },
};
