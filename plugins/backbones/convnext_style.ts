/**
 * The macro layout shared by ConvNeXt and QuadraNet V1: a 4×4/4 patchify
 * stem with LayerNorm, stages of blocks joined by LayerNorm + 2×2/2 conv
 * downsampling, then global pooling, LayerNorm and the classifier. The
 * block and the layer names are the caller's.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { convnextStyle } from "./convnext_style.ts";
 * const options = { depths: [1, 1, 1, 1], dims: [8, 16, 32, 64], numClasses: 10, inputShape: [32, 32, 3] as [number, number, number] };
 * const names = {
 *   stemConv: "stem_conv",
 *   stemNorm: "stem_norm",
 *   downNorm: (i: number) => `down${i}_norm`,
 *   downConv: (i: number) => `down${i}_conv`,
 *   block: (i: number, j: number) => `stage${i}_block${j}`,
 *   headNorm: "head_norm",
 *   head: "head",
 * };
 * const block = (x: tf.SymbolicTensor, name: string, dim: number) =>
 *   tf.layers.conv2d({ filters: dim, kernelSize: 3, padding: "same", name }).apply(x) as tf.SymbolicTensor;
 * const m = convnextStyle(options, names, block, "my_net");
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { LayerScale } from "./layer_scale.ts";

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** Depths, widths, classes, input; `featuresOnly` returns the four stage outputs. */
export interface ConvnextStyleOptions {
  /** Blocks per stage. */
  depths: number[];
  /** Channels per stage. */
  dims: number[];
  /** Classifier outputs. */
  numClasses: number;
  /** `[h, w, c]`. */
  inputShape: [number, number, number];
  /** Return the stage outputs instead of logits. */
  featuresOnly?: boolean;
}

/** Layer names of the shared parts. */
export interface StageNames {
  stemConv: string;
  stemNorm: string;
  downNorm(stage: number): string;
  downConv(stage: number): string;
  block(stage: number, index: number): string;
  headNorm: string;
  head: string;
}

/** LayerNorm over channels with ConvNeXt's epsilon. */
export function layerNorm(x: ST, name: string): ST {
  return L.layerNormalization({ name, epsilon: 1e-6 }).apply(x) as ST;
}

/**
 * The inverted-bottleneck tail both block kinds end with: Linear C→4C with
 * exact GELU, Linear 4C→C, layer scale, and the residual `x + …`, on `y`
 * (the normalised features); layer names `[fc1, fc2, scale, add]`.
 */
export function mlpResidual(
  x: ST,
  y: ST,
  dim: number,
  [fc1, fc2, scale, add]: [string, string, string, string],
): ST {
  y = L.dense({ name: fc1, units: 4 * dim, activation: "gelu" as "relu" }).apply(y) as ST;
  y = L.dense({ name: fc2, units: dim }).apply(y) as ST;
  y = new LayerScale({ name: scale }).apply(y) as ST;
  return L.add({ name: add }).apply([x, y]) as ST;
}

/** Builds the network around `block`. */
export function convnextStyle(
  o: ConvnextStyleOptions,
  names: StageNames,
  block: (x: ST, name: string, dim: number) => ST,
  modelName: string,
): tf.LayersModel {
  const input = tf.input({ shape: o.inputShape, name: "image" });
  let x = L.conv2d({ name: names.stemConv, filters: o.dims[0], kernelSize: 4, strides: 4 })
    .apply(input) as ST;
  x = layerNorm(x, names.stemNorm);
  const features: ST[] = [];
  o.depths.forEach((n, s) => {
    if (s > 0) {
      x = layerNorm(x, names.downNorm(s));
      x = L.conv2d({ name: names.downConv(s), filters: o.dims[s], kernelSize: 2, strides: 2 })
        .apply(x) as ST;
    }
    for (let i = 0; i < n; i++) x = block(x, names.block(s, i), o.dims[s]);
    features.push(x);
  });
  if (o.featuresOnly) {
    return tf.model({ inputs: input, outputs: features, name: `${modelName}_features` });
  }
  x = L.globalAveragePooling2d({ name: "avgpool" }).apply(x) as ST;
  x = layerNorm(x, names.headNorm);
  const out = L.dense({ name: names.head, units: o.numClasses }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: modelName });
}
