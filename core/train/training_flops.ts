/**
 * Analytic training FLOPs of one example, per parameter-group choice — the
 * protocol's primary compute unit. Multiply-adds of every linear map
 * (Conv2D, DepthwiseConv2D, Dense and the adapters' projections) count as 2
 * FLOPs; elementwise work (normalisation, activations, the kernel product,
 * biases) is not counted. Per example:
 *
 * - **forward**: every linear map, `2·M`, where `M` is its multiply-adds
 *   (output positions × weight size);
 * - **input gradients** `2·M` for a map only where the gradient must flow
 *   through it: some trained tensor lies upstream of its input (for an
 *   adapter's output projection `P`, also when `U`/`V` train);
 * - **weight gradients** `2·M` only for maps whose weight trains.
 *
 * So a frozen prefix costs its forward pass only, and "3× forward" holds only
 * when everything trains and nothing is frozen before the first layer.
 *
 * @example
 * ```ts
 * import { stageTrainingFlops, tf } from "@quadranet/core";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [4], units: 3, name: "d1" }),
 *   tf.layers.dense({ units: 2, name: "d2" }),
 * ] });
 * stageTrainingFlops(model, ["head"]).total; // 48 = forward 36 + weight gradient of d2 12
 * ```
 * @module
 */
import { isAdapterLayer } from "../adapter/adapter_method.ts";
import { type ParamGroup, paramGroups } from "./param_groups.ts";
import type { tf } from "../tf.ts";

/** FLOPs of one training example, split by pass. */
export interface TrainingFlops {
  /** Forward pass FLOPs. */
  forward: number;
  /** FLOPs of input gradients along the backward path. */
  inputGrad: number;
  /** FLOPs of weight gradients of trained tensors. */
  weightGrad: number;
  /** forward + inputGrad + weightGrad */
  total: number;
  /** Classes of layers with matrix weights that the counter does not know (not counted). */
  uncounted: string[];
}

type Shape = (number | null)[];
const KNOWN = new Set(["Conv2D", "DepthwiseConv2D", "Dense", "Conv1D"]);

interface LinearMap {
  macs: number;
  weight: tf.LayerVariable;
  /** False for an adapter's output projection P (it reads the kernel product, not the layer input). */
  readsInput: boolean;
}

function positions(layer: tf.layers.Layer): number {
  const out =
    (Array.isArray(layer.outputShape[0]) ? layer.outputShape[0] : layer.outputShape) as Shape;
  return out.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1);
}

const numel = (w: tf.LayerVariable) => w.shape.reduce<number>((a, d) => a * (d ?? 1), 1);

function linearMaps(layer: tf.layers.Layer, uncounted: Set<string>): LinearMap[] {
  const px = positions(layer);
  if (isAdapterLayer(layer)) {
    const p = (layer as unknown as { delta?: { outputWeight?(): tf.LayerVariable } }).delta
      ?.outputWeight?.();
    return [...layer.primaryWeights(), ...layer.adapterWeights()]
      .filter((w) => w.shape.length >= 2)
      .map((w) => ({ macs: px * numel(w), weight: w, readsInput: w !== p }));
  }
  const matrices = layer.weights.filter((w) => w.shape.length >= 2);
  if (!matrices.length) return [];
  if (!KNOWN.has(layer.getClassName())) {
    uncounted.add(layer.getClassName());
    return [];
  }
  return matrices.map((w) => ({ macs: px * numel(w), weight: w, readsInput: true }));
}

function inboundLayers(layer: tf.layers.Layer): tf.layers.Layer[] {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] })
    .inboundNodes ?? [];
  return nodes.flatMap((n) => n.inboundLayers ?? []);
}

/**
 * Training FLOPs per example when the weights `trained(w)` selects train.
 * Layers are visited in `model.layers` order, which tfjs keeps topological.
 */
export function trainingFlopsPerExample(
  model: tf.LayersModel,
  trained: (w: tf.LayerVariable) => boolean,
): TrainingFlops {
  const carriesGrad = new Map<tf.layers.Layer, boolean>();
  const uncounted = new Set<string>();
  let forward = 0, inputGrad = 0, weightGrad = 0;
  for (const layer of model.layers) {
    const up = inboundLayers(layer).some((l) => carriesGrad.get(l) === true);
    const maps = linearMaps(layer, uncounted);
    const innerTrained = maps.some((m) =>
      m.readsInput && trained(m.weight) && isAdapterLayer(layer) &&
      layer.adapterWeights().includes(m.weight)
    );
    for (const m of maps) {
      forward += 2 * m.macs;
      if (trained(m.weight)) weightGrad += 2 * m.macs;
      if (m.readsInput ? up : up || innerTrained) inputGrad += 2 * m.macs;
    }
    carriesGrad.set(layer, up || layer.weights.some(trained));
  }
  return {
    forward,
    inputGrad,
    weightGrad,
    total: forward + inputGrad + weightGrad,
    uncounted: [...uncounted],
  };
}

/** Training FLOPs per example of a stage that trains parameter `groups` (head: classifier layer names). */
export function stageTrainingFlops(
  model: tf.LayersModel,
  groups: readonly ParamGroup[],
  head?: string[],
): TrainingFlops {
  const on = new Set(
    paramGroups(model, { head }).filter((p) => groups.includes(p.group)).map((p) => p.weight),
  );
  return trainingFlopsPerExample(model, (w) => on.has(w));
}
