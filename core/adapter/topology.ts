/**
 * Rebuilding models from edited configs: the mechanism under {@link adapt}
 * and {@link unload}. A model's config is edited layer by layer, the model is
 * rebuilt from it synchronously, and weights are copied across by layer name.
 *
 * @module
 */
import { tf } from "../tf.ts";

type ConfigDict = tf.serialization.ConfigDict;

/** One entry of a Sequential or functional model config. */
export interface LayerEntry {
  className: string;
  config: Record<string, unknown> & { name: string };
  name?: string;
  inboundNodes?: unknown;
}

/** A deep copy of a model's config, with its layer entries. */
export function modelTopology(
  model: tf.LayersModel,
): { className: string; config: ConfigDict; layers: LayerEntry[] } {
  const config = JSON.parse(JSON.stringify(model.getConfig())) as ConfigDict;
  return {
    className: model.getClassName(),
    config,
    layers: config.layers as unknown as LayerEntry[],
  };
}

/** Constructs a registered serializable (layer or model) from `{className, config}`. */
export function fromClassConfig<T>(className: string, config: ConfigDict): T {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = map[className];
  if (!entry) {
    throw new Error(
      `Unknown layer class "${className}"; import the module that registers it (e.g. @quadranet/core)`,
    );
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as unknown as T;
}

/** Rebuilds a model of `className` (Sequential or Model) from an edited config. */
export function rebuildModel(className: string, config: ConfigDict): tf.LayersModel {
  return fromClassConfig<tf.LayersModel>(className, config);
}

/** Copies `from`'s weights into the same-named layers of `to`, except `skip`. */
export function copyWeightsByName(
  from: tf.LayersModel,
  to: tf.LayersModel,
  skip: Set<string>,
): void {
  for (const src of from.layers) {
    if (skip.has(src.name) || src.weights.length === 0) continue;
    to.getLayer(src.name).setWeights(src.getWeights());
  }
}

/**
 * An independent copy of `model`: same architecture, weights and metadata,
 * every layer trainable as in the original.
 *
 * @example
 * ```ts
 * import { cloneModel, tf } from "@quadranet/core";
 * const pretrained = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const copy = cloneModel(pretrained); // fine-tuning the copy leaves pretrained untouched
 * ```
 */
export function cloneModel(model: tf.LayersModel): tf.LayersModel {
  const topo = modelTopology(model);
  const copy = rebuildModel(topo.className, topo.config);
  copy.setWeights(model.getWeights());
  const meta = model.getUserDefinedMetadata();
  if (meta) copy.setUserDefinedMetadata(structuredClone(meta));
  return copy;
}
