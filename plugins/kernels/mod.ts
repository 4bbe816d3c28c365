/**
 * Kernel methods for quadratic adapters: `quadratic` (the core's `u ⊙ v`,
 * re-exported: one definition), `rbf` and `poly`. Importing this module
 * registers them; choose one with `kernel: "rbf"` in the adapter config.
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * import "@quadranet/kernels";
 * const model = tf.sequential({
 *   layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", inputShape: [8, 8, 2] })],
 * });
 * const adapted = adapt(model, { rank: 4, kernel: "poly", kernelOptions: { degree: 3 } });
 * ```
 * @module
 */
export { type KernelMethod, quadraticKernel } from "@quadranet/core";
export { polyKernel } from "./poly.ts";
export { rbfKernel } from "./rbf.ts";
export { gelu } from "./gelu.ts";
