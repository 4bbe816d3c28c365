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
import {
  convnextStyle,
  type ConvnextStyleOptions,
  layerNorm,
  mlpResidual,
  type StageNames,
} from "./convnext_style.ts";

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** Options of {@link convnext}. */
export type ConvnextOptions = ConvnextStyleOptions;

function block(x: ST, name: string, dim: number): ST {
  let y = L.depthwiseConv2d({ name: `${name}_block_0`, kernelSize: 7, padding: "same" })
    .apply(x) as ST;
  y = layerNorm(y, `${name}_block_2`);
  const names = ["block_3", "block_5", "layer_scale", "add"].map((n) => `${name}_${n}`);
  return mlpResidual(x, y, dim, names as [string, string, string, string]);
}

/** torchvision's module paths, "." → "_". */
const NAMES: StageNames = {
  stemConv: "features_0_0",
  stemNorm: "features_0_1",
  downNorm: (s) => `features_${2 * s}_0`,
  downConv: (s) => `features_${2 * s}_1`,
  block: (s, i) => `features_${2 * s + 1}_${i}`,
  headNorm: "classifier_0",
  head: "classifier_2",
};

/** A torchvision-layout ConvNeXt. */
export function convnext(o: ConvnextOptions): tf.LayersModel {
  return convnextStyle(o, NAMES, block, "convnext");
}

/** Default adapter targets: the depthwise mixers (add `mlp: true` for the Linear layers). */
export function convnextTargets(model: tf.LayersModel, { mlp = false } = {}): string[] {
  return model.layers.filter((l) =>
    /_block_0$/.test(l.name) || (mlp && /_block_[35]$/.test(l.name))
  ).map((l) => l.name);
}
