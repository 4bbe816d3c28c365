/**
 * Seeded re-initialisation of a built network: the backbones' own
 * initialisers are unseeded, so every task that needs a repeatable fresh
 * network (from-scratch arms, pre-training) re-draws its kernels here.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { reseedKernels } from "./reseed.ts";
 * const input = tf.input({ shape: [4] });
 * const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor });
 * reseedKernels(model, 1); // the same kernel for the same seed, every time
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

/**
 * Re-draws every kernel (dense, conv, depthwise) He-normal from `seed`
 * (fan-in of a depthwise kernel: its window only); biases and norms keep
 * their initial values. Returns `model`.
 */
export function reseedKernels(model: tf.LayersModel, seed: number): tf.LayersModel {
  model.weights.forEach((w, i) => {
    if (!/kernel$/.test(w.originalName)) return; // "kernel", "depthwise_kernel"
    const shape = w.shape as number[];
    const fanIn = shape.length === 4
      ? shape[0] * shape[1] * (/depthwise/.test(w.originalName) ? 1 : shape[2])
      : shape[0];
    const init = tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", seed * 7717 + i);
    w.write(init);
    init.dispose();
  });
  return model;
}
