/**
 * ReLU's gradient as one kernel (`dy ⊙ step(x)`, tfjs runs a Step and a
 * Multiply) where the backend has `QnReluGrad`; elsewhere tfjs' own
 * gradient, unchanged. Importing this module installs it.
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

const original = tf.getGradient(tf.Relu);
if (!original) throw new Error("tfjs registers no gradient for Relu; cannot wrap it");

tf.registerGradient({
  ...original,
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    if (
      !fusedKernelAvailable(FUSED.reluGrad) || x.dtype !== "float32" ||
      (dy as tf.Tensor).dtype !== "float32"
    ) return original.gradFunc(dy, saved, attrs);
    return { x: () => runFused(FUSED.reluGrad, { dy: dy as tf.Tensor, x })[0] };
  },
});
