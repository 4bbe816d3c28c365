/**
 * Operations on an adapted model: summary, enable/disable, unload, merge.
 *
 * @example
 * ```ts
 * import { adapt, disableAdapters, enableAdapters, tf, unload } from "@quadranet/core";
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const adapted = adapt(base, { rank: 4 });
 * disableAdapters(adapted); // computes what `base` computes
 * enableAdapters(adapted);
 * const firstOrder = unload(adapted); // a plain tfjs model without quadratic terms
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { MergeUnsupportedError } from "../errors.ts";
import { adapterLayers, adapterMetadata, describeNested, type NestedLayers } from "./adapt.ts";
import { copyWeightsByName, modelTopology, rebuildModel } from "./topology.ts";

/** One adapted layer in {@link AdapterSummary}. */
export interface AdaptedLayerSummary {
  /** Layer name. */
  name: string;
  /** The adapted layer's class. */
  className: string;
  /** The original layer's class. */
  baseClassName: string;
  /** Adapter rank. */
  rank: number;
  /** Kernel method (quadratic adapters; empty otherwise). */
  kernel: string;
  /** U/V kernel size and dilation (convs). */
  quadKernelSize?: [number, number];
  /** U/V dilation (convs). */
  dilation?: [number, number];
  /** Parameters the adapter adds in this layer. */
  adapterParams: number;
  /** Extra FLOPs per example of the quadratic term (null: spatial size unknown). */
  extraFlops: number | null;
}

/** What {@link adapterSummary} reports. */
export interface AdapterSummary {
  /** Per adapted layer. */
  layers: AdaptedLayerSummary[];
  /** Trainable parameters of the model. */
  trainableParams: number;
  /** All parameters of the model. */
  totalParams: number;
  /** Parameters the adapters add. */
  adapterParams: number;
  /** Sum over adapted layers; null if any layer's spatial size is unknown. */
  extraFlopsPerExample: number | null;
  /** Adaptable layers left inside nested models (adapt() does not descend into them). */
  notAdapted: NestedLayers[];
}

function count(vars: tf.LayerVariable[]): number {
  return vars.reduce((n, v) => n + (v.shape as number[]).reduce((a, d) => a * d, 1), 0);
}

/** Adapted layers, trainable vs total parameters, extra FLOPs per example. */
export function adapterSummary(model: tf.LayersModel): AdapterSummary {
  const layers = adapterLayers(model).map((l): AdaptedLayerSummary => {
    const s = l.delta.summary();
    return {
      name: l.name,
      className: l.getClassName(),
      baseClassName: l.base.className,
      rank: l.rank,
      kernel: s.kernel ?? "",
      ...(s.quadKernelSize ? { quadKernelSize: s.quadKernelSize, dilation: s.dilation } : {}),
      adapterParams: count(l.adapterWeights()),
      extraFlops: l.extraFlops(),
    };
  });
  const flops = layers.some((l) => l.extraFlops == null)
    ? null
    : layers.reduce((a, l) => a + (l.extraFlops ?? 0), 0);
  return {
    layers,
    trainableParams: count(model.trainableWeights),
    totalParams: count(model.weights),
    adapterParams: layers.reduce((a, l) => a + l.adapterParams, 0),
    extraFlopsPerExample: flops,
    notAdapted: adapterMetadata(model)?.notAdapted ?? [],
  };
}

/** A human-readable table of an {@link AdapterSummary}. */
export function formatAdapterSummary(s: AdapterSummary): string {
  const rows = s.layers.map((l) =>
    `  ${l.name.padEnd(24)} ${l.baseClassName.padEnd(16)} r=${String(l.rank).padEnd(3)} ` +
    `${
      (l.quadKernelSize ? `${l.quadKernelSize.join("x")} d${l.dilation!.join("x")}` : "-").padEnd(
        10,
      )
    } ` +
    `${String(l.adapterParams).padStart(9)} params  ${
      l.extraFlops == null ? "?" : l.extraFlops.toLocaleString("en-US")
    } FLOPs`
  );
  const pct = s.totalParams ? (100 * s.trainableParams / s.totalParams).toFixed(3) : "0";
  return [
    `adapted layers: ${s.layers.length}`,
    ...rows,
    `trainable params: ${s.trainableParams.toLocaleString("en-US")} || all params: ` +
    `${s.totalParams.toLocaleString("en-US")} || trainable%: ${pct}`,
    `extra FLOPs per example: ${
      s.extraFlopsPerExample == null
        ? "unknown (dynamic spatial size)"
        : s.extraFlopsPerExample.toLocaleString("en-US")
    }`,
    ...(s.notAdapted?.length ? [`not adapted: ${describeNested(s.notAdapted)}`] : []),
  ].join("\n");
}

function setEnabled(model: tf.LayersModel, enabled: boolean): number {
  const layers = adapterLayers(model);
  layers.forEach((l) => (l.quadEnabled = enabled));
  return layers.length;
}

/** Stops adding the quadratic terms (the model computes its base's outputs). Returns the layer count. */
export function disableAdapters(model: tf.LayersModel): number {
  return setEnabled(model, false);
}

/** Adds the quadratic terms again. Returns the layer count. */
export function enableAdapters(model: tf.LayersModel): number {
  return setEnabled(model, true);
}

/**
 * An equivalent first-order model: every adapted layer replaced by its
 * original layer with the (possibly trained) primary weights; every other
 * layer's weights copied. The adapted model is untouched.
 */
export function unload(model: tf.LayersModel): tf.LayersModel {
  const adapted = new Map(adapterLayers(model).map((l) => [l.name, l]));
  const topo = modelTopology(model);
  for (const entry of topo.layers) {
    const layer = adapted.get(entry.config.name);
    if (!layer) continue;
    const { batchInputShape, dtype } = entry.config;
    entry.className = layer.base.className;
    entry.config = {
      ...layer.base.config,
      name: layer.name,
      ...(batchInputShape ? { batchInputShape } : {}),
      ...(dtype ? { dtype } : {}),
    };
  }
  const plain = rebuildModel(topo.className, topo.config);
  copyWeightsByName(model, plain, new Set(adapted.keys()));
  for (const [name, layer] of adapted) {
    plain.getLayer(name).setWeights(layer.primaryWeights().map((w) => w.read()));
  }
  const meta = { ...(model.getUserDefinedMetadata() ?? {}) } as Record<string, unknown>;
  delete meta.quadranet;
  if (Object.keys(meta).length) plain.setUserDefinedMetadata(meta);
  return plain;
}

/**
 * A first-order model with linear adapters (LoRA) folded into their layers'
 * weights: `W' = W + s·A·B`, computing what the adapted model computes. A
 * quadratic term `s · P k(Ux, Vx)` is not linear in `x`, so it cannot be
 * merged: models with one throw {@link MergeUnsupportedError}.
 *
 * @example
 * ```ts
 * import { adapt, merge, tf } from "@quadranet/core";
 * import "@quadranet/lora";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const plain = merge(adapt(model, { method: "lora", rank: 2 })); // after training
 * ```
 */
export function merge(model: tf.LayersModel): tf.LayersModel {
  const layers = adapterLayers(model);
  const blocking = layers.filter((l) => !l.delta.merge);
  if (blocking.length > 0) {
    const method = adapterMetadata(model)?.config.method ?? "quadratic";
    const why = blocking[0].delta.mergeRefusal ?? "the method has no merge";
    throw new MergeUnsupportedError(
      `Cannot merge the ${blocking.length} ${method} adapter layer(s) into linear weights: ${why}. ` +
        `Keep the adapted model for inference (adapterSummary() reports its extra FLOPs), or use ` +
        `unload() for the first-order model without the adapter terms.`,
    );
  }
  const plain = unload(model);
  for (const l of layers) {
    const merged = l.quadEnabled ? l.delta.merge!() : l.primaryWeights().map((w) => w.read());
    plain.getLayer(l.name).setWeights(merged);
    if (l.quadEnabled) tf.dispose(merged);
  }
  return plain;
}
