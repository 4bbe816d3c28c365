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
 * console.log(autodiff.name);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { fusedQuadraticTerm } from "../fused/quad_epilogue.ts";
import type { QuadraticTerm } from "./quadratic_layer.ts";

/** Computes a layer's scaled quadratic term `s · P k(Ux, Vx)` for input `x`. */
export interface BackpropStrategy {
  /** Registry name (`backprop` in the adapter config). */
  readonly name: string;
  /** The term of `term`'s layer for input `x`, with this strategy's gradient. */
  quadraticTerm(term: QuadraticTerm, x: tf.Tensor, training: boolean): tf.Tensor;
}

/** Plain reverse-mode autodiff through the projections, kernel and `P`. */
export const autodiff: BackpropStrategy = {
  name: "autodiff",
  quadraticTerm(term, x, training) {
    // One projection for U and V and a fused epilogue, where the backend has the kernel.
    const fused = fusedQuadraticTerm(term, x);
    if (fused) return fused;
    const [u, v] = term.project(x);
    return term.outProject(term.kernelMethod.apply(u, v, term.kernelContext(training)));
  },
};
