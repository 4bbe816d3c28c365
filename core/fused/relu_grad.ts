/**
 * ReLU's gradient as one kernel (`dy ⊙ step(x)`, tfjs runs a Step and a
 * Multiply) where the backend has `QnReluGrad`; elsewhere tfjs' own
 * gradient, unchanged. `installFusedOps()` registers it in place of tfjs'
 * own; importing this module changes nothing.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * tf.grad((x: tf.Tensor) => tf.sum(tf.relu(x)))(tf.tensor1d([-1, 2])); // [0, 1]
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { FUSED, fusedKernelAvailable, runFused } from "./fused_ops.ts";

/**
 * ReLU's gradient config: the fused kernel where it runs, `original`'s
 * gradient (tfjs' own) for everything else. @internal
 */
export function fusedReluGradient(original: tf.GradConfig): tf.GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      if (
        !fusedKernelAvailable(FUSED.reluGrad) || x.dtype !== "float32" ||
        (dy as tf.Tensor).dtype !== "float32"
      ) return original.gradFunc(dy, saved, attrs);
      return { x: () => runFused(FUSED.reluGrad, { dy: dy as tf.Tensor, x })[0] };
    },
  };
}
