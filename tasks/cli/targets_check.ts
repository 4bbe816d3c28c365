/**
 * The early check of `--targets`: each name must be a layer name or layer
 * class of the network, checked on a freshly built copy before any
 * pre-training or arm runs, so a typo fails in seconds (exit 2) rather than
 * after the first arms.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { checkTargetNames } from "./targets_check.ts";
 * const m = tf.sequential({ layers: [tf.layers.dense({ name: "fc", units: 2, inputShape: [3] })] });
 * checkTargetNames(m, ["fc"]); // passes; ["fc2"] throws a TargetError listing "fc (Dense)"
 * ```
 * @module
 */
import { TargetError, type tf } from "@quadranet/core";

/** Throws {@link TargetError} naming the `--targets` entries that match no layer of `model`. */
export function checkTargetNames(model: tf.LayersModel, targets: readonly string[]): void {
  const layers = model.layers.map((l) => ({ name: l.name, cls: l.getClassName() }));
  const unknown = targets.filter((t) => !layers.some((l) => l.name === t || l.cls === t));
  if (unknown.length === 0) return;
  const withWeights = model.layers.filter((l) => l.countParams() > 0)
    .map((l) => `${l.name} (${l.getClassName()})`);
  const shown = withWeights.slice(0, 60).join(", ") +
    (withWeights.length > 60 ? `, … (${withWeights.length} layers)` : "");
  throw new TargetError(
    `--targets ${unknown.join(",")}: no layer of the network has that name or class. ` +
      `Layers with weights: ${shown}`,
  );
}
