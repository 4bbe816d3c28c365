/**
 * LoRA, the first-order adapter baseline, as adapter method `"lora"` of
 * `adapt()`. Importing this module registers it.
 *
 * @example
 * ```ts
 * import { adapt } from "@quadranet/core";
 * import "@quadranet/lora";
 * const adapted = adapt(model, { method: "lora", rank: 8, modulesToSave: ["head"] });
 * ```
 * @module
 */
import { type AdapterMethod, register } from "@quadranet/core";

export { LoraConv2D, LoraDense } from "./lora_layers.ts";

/** LoRA on Dense and Conv2D layers. */
export const loraMethod: AdapterMethod = {
  name: "lora",
  layers: { Dense: "LoraDense", Conv2D: "LoraConv2D" },
  mergeable: true,
};

register("method", loraMethod.name, loraMethod);
