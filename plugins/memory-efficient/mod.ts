/**
 * Memory-efficient backpropagation for quadratic layers. Importing this
 * module registers `backprop: "recompute"`.
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * import "@quadranet/memory-efficient";
 * const model = tf.sequential({
 *   layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", inputShape: [8, 8, 2] })],
 * });
 * const adapted = adapt(model, { backprop: "recompute" });
 * ```
 * @module
 */
export { recompute } from "./recompute.ts";
