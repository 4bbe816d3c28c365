/**
 * LoRA, the first-order adapter baseline, as adapter method `"lora"` of
 * `adapt()`. Importing this module registers it (and its layer classes
 * `LoraDense`, `LoraConv2D`).
 *
 * @example
 * ```ts
 * import { adapt, merge, tf } from "@quadranet/core";
 * import "@quadranet/lora";
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const adapted = adapt(base, { method: "lora", rank: 2 });
 * const plain = merge(adapted); // a first-order model computing the same
 * ```
 * @module
 */
import { register } from "@quadranet/core";
import { loraMethod } from "./lora_method.ts";

export { LoraDelta, loraMethod } from "./lora_method.ts";

register("method", loraMethod.name, loraMethod);
