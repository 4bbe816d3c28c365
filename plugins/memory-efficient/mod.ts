/**
 * Memory-efficient backpropagation for quadratic layers. Importing this
 * module registers `backprop: "recompute"`.
 *
 * @example
 * ```ts
 * import { adapt } from "@quadranet/core";
 * import "@quadranet/memory-efficient";
 * const adapted = adapt(model, { backprop: "recompute" });
 * ```
 * @module
 */
export { recompute } from "./recompute.ts";
