/**
 * QuadraNet V1 (the from-scratch high-order baseline of METHOD.md §4): a
 * ConvNeXt-style network whose spatial mixer is quadratic,
 * `y = DW7_a(x) ⊙ DW7_b(x) + DW7_c(x)` (three 7×7 depthwise convs), inside
 * blocks of LayerNorm, mixer, layer scale (1e-6), residual; then LayerNorm,
 * Linear C→4C, GELU, Linear 4C→C, layer scale, residual. ConvNeXt's stem,
 * downsampling and head.
 *
 * @example
 * ```ts
 * const m = quadranetV1({ depths: [2, 2, 18, 2], dims: [64, 128, 256, 512], numClasses: 1000, inputShape: [224, 224, 3] });
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
import { LayerScale } from "./layer_scale.ts";

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** Options of {@link quadranetV1}. */
export type QuadranetV1Options = ConvnextStyleOptions;

function dw(x: ST, name: string): ST {
  return L.depthwiseConv2d({ name, kernelSize: 7, padding: "same" }).apply(x) as ST;
}

function block(x: ST, name: string, dim: number): ST {
  const n = layerNorm(x, `${name}_norm1`);
  const q = L.multiply({ name: `${name}_mix_product` })
    .apply([dw(n, `${name}_dw_a`), dw(n, `${name}_dw_b`)]) as ST;
  let y = L.add({ name: `${name}_mix` }).apply([q, dw(n, `${name}_dw_c`)]) as ST;
  y = new LayerScale({ name: `${name}_gamma1` }).apply(y) as ST;
  x = L.add({ name: `${name}_add1` }).apply([x, y]) as ST;
  y = layerNorm(x, `${name}_norm2`);
  const names = ["fc1", "fc2", "gamma2", "add2"].map((n) => `${name}_${n}`);
  return mlpResidual(x, y, dim, names as [string, string, string, string]);
}

const NAMES: StageNames = {
  stemConv: "stem_conv",
  stemNorm: "stem_norm",
  downNorm: (s) => `down${s}_norm`,
  downConv: (s) => `down${s}_conv`,
  block: (s, i) => `stage${s}_${i}`,
  headNorm: "head_norm",
  head: "head",
};

/** A QuadraNet V1 network. */
export function quadranetV1(o: QuadranetV1Options): tf.LayersModel {
  return convnextStyle(o, NAMES, block, "quadranet_v1");
}
