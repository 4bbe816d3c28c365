/**
 * ConvNeXt (Liu et al. 2022) as tfjs-layers models with torchvision's
 * layout: a 4×4/4 stem + LayerNorm, stages of blocks (7×7 depthwise conv,
 * LayerNorm, Linear 4×, exact GELU, Linear, layer scale, residual), LayerNorm
 * + 2×2/2 conv downsampling, then global pooling, LayerNorm and the
 * classifier. Layer names are torchvision's module paths with "." → "_"
 * (`features_1_0_block_0`).
 *
 * @example
 * ```ts
 * const model = convnext({ depths: [3, 3, 9, 3], dims: [96, 192, 384, 768], numClasses: 1000, inputShape: [224, 224, 3] });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { LayerScale } from "./layer_scale.ts";

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** Options of {@link convnext}. */
export interface ConvnextOptions {
  depths: number[];
  dims: number[];
  numClasses: number;
  inputShape: [number, number, number];
  featuresOnly?: boolean;
}

function ln(x: ST, name: string): ST {
  return L.layerNormalization({ name, epsilon: 1e-6 }).apply(x) as ST;
}

function block(x: ST, name: string, dim: number): ST {
  let y = L.depthwiseConv2d({ name: `${name}_block_0`, kernelSize: 7, padding: "same" }).apply(
    x,
  ) as ST;
  y = ln(y, `${name}_block_2`);
  y = L.dense({ name: `${name}_block_3`, units: 4 * dim, activation: "gelu" as "relu" }).apply(
    y,
  ) as ST;
  y = L.dense({ name: `${name}_block_5`, units: dim }).apply(y) as ST;
  y = new LayerScale({ name: `${name}_layer_scale` }).apply(y) as ST;
  return L.add({ name: `${name}_add` }).apply([x, y]) as ST;
}

/** A torchvision-layout ConvNeXt. */
export function convnext(o: ConvnextOptions): tf.LayersModel {
  const input = tf.input({ shape: o.inputShape, name: "image" });
  let x = L.conv2d({ name: "features_0_0", filters: o.dims[0], kernelSize: 4, strides: 4 }).apply(
    input,
  ) as ST;
  x = ln(x, "features_0_1");
  const features: ST[] = [];
  o.depths.forEach((n, s) => {
    if (s > 0) {
      x = ln(x, `features_${2 * s}_0`);
      x = L.conv2d({ name: `features_${2 * s}_1`, filters: o.dims[s], kernelSize: 2, strides: 2 })
        .apply(x) as ST;
    }
    for (let i = 0; i < n; i++) x = block(x, `features_${2 * s + 1}_${i}`, o.dims[s]);
    features.push(x);
  });
  if (o.featuresOnly) {
    return tf.model({ inputs: input, outputs: features, name: "convnext_features" });
  }
  x = L.globalAveragePooling2d({ name: "avgpool" }).apply(x) as ST;
  x = ln(x, "classifier_0");
  const out = L.dense({ name: "classifier_2", units: o.numClasses }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: "convnext" });
}

/** Default adapter targets: the depthwise mixers (add `mlp: true` for the Linear layers). */
export function convnextTargets(model: tf.LayersModel, { mlp = false } = {}): string[] {
  return model.layers.filter((l) =>
    /_block_0$/.test(l.name) || (mlp && /_block_[35]$/.test(l.name))
  ).map((l) => l.name);
}
