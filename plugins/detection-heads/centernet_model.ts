/**
 * The CenterNet-style network as one tfjs `LayersModel`: from the coarsest
 * backbone map, repeated nearest ×2 upsampling (adding a 1×1 lateral of the
 * backbone map of the same stride where there is one, as in an FPN's
 * top-down path), each step followed by 3×3 conv → GroupNorm → ReLU, down to
 * `outputStride` (4); then three heads (3×3 conv → ReLU → 1×1 conv): class
 * heatmap logits (bias −2.19, CenterNet's init), size `(w, h)` in output
 * cells, centre offset.
 *
 * Outputs: `[heatmap [B,H,W,C], size [B,H,W,2], offset [B,H,W,2]]` at
 * `H = input height / outputStride`.
 *
 * @example
 * ```ts
 * import { buildCenterNetModel } from "./centernet_model.ts";
 * const model = buildCenterNetModel({
 *   numClasses: 2, featureStrides: [4, 8, 16, 32], featureChannels: [8, 16, 32, 64], channels: 16,
 * });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { checkFeatures, seeder } from "./fcos_model.ts";
import { defaultGroups, GroupNorm } from "./group_norm.ts";

type ST = tf.SymbolicTensor;

/** Network options of the CenterNet head. */
export interface CenterNetModelOptions {
  /** Object classes. */
  numClasses: number;
  /** Stride of each input feature map. */
  featureStrides: number[];
  /** Channels of each input feature map. */
  featureChannels: number[];
  /** stride of the output maps (default 4) */
  outputStride?: number;
  /** width of the upsampling path (default 64) */
  channels?: number;
  /** width of each head's hidden conv (default 64) */
  headChannels?: number;
  /** GroupNorm groups in the upsampling path (default: the largest divisor of the channels up to 32) */
  groups?: number;
  /** layer-name prefix (default "centernet") */
  prefix?: string;
  /** seeds every kernel initializer (seed, seed + 1, ...) for reproducible weights */
  seed?: number;
}

/** Builds the model. */
export function buildCenterNetModel(o: CenterNetModelOptions): tf.LayersModel {
  checkFeatures("CenterNet", o.featureStrides, o.featureChannels);
  if (!(Number.isInteger(o.numClasses) && o.numClasses >= 1)) {
    throw new RangeError(`CenterNet: numClasses must be a positive integer; got ${o.numClasses}`);
  }
  const prefix = o.prefix ?? "centernet";
  const outStride = o.outputStride ?? 4;
  const channels = o.channels ?? 64;
  const headChannels = o.headChannels ?? 64;
  const groups = o.groups ?? defaultGroups(channels);
  const coarsest = Math.max(...o.featureStrides);
  const steps = Math.log2(coarsest / outStride);
  if (!(Number.isInteger(steps) && steps >= 0)) {
    throw new RangeError(
      `CenterNet: outputStride ${outStride} must be the coarsest feature stride ${coarsest} ` +
        `divided by a power of 2 (e.g. 4 for strides up to 32)`,
    );
  }
  const L = tf.layers;
  const nextSeed = seeder(o.seed);
  const init = () => tf.initializers.glorotUniform({ seed: nextSeed() });
  const inputs = o.featureStrides.map((s, i) =>
    tf.input({ shape: [null, null, o.featureChannels[i]], name: `${prefix}_in_s${s}_${i}` })
  );
  const block = (x: ST, name: string) => {
    const c = L.conv2d({
      filters: channels,
      kernelSize: 3,
      padding: "same",
      kernelInitializer: init(),
      name: `${name}_conv`,
    })
      .apply(x);
    const g = new GroupNorm({ groups, name: `${name}_gn` }).apply(c);
    return L.reLU({ name: `${name}_relu` }).apply(g) as ST;
  };
  const lateral = (stride: number) => {
    const i = o.featureStrides.indexOf(stride);
    return i < 0 ? undefined : L.conv2d({
      filters: channels,
      kernelSize: 1,
      kernelInitializer: init(),
      name: `${prefix}_lateral_s${stride}`,
    })
      .apply(inputs[i]) as ST;
  };
  let stride = coarsest;
  let x = block(lateral(stride)!, `${prefix}_up_s${stride}`);
  while (stride > outStride) {
    stride /= 2;
    x = L.upSampling2d({ size: [2, 2], name: `${prefix}_upsample_s${stride}` }).apply(x) as ST;
    const lat = lateral(stride);
    if (lat) x = L.add({ name: `${prefix}_merge_s${stride}` }).apply([x, lat]) as ST;
    x = block(x, `${prefix}_up_s${stride}`);
  }
  const head = (name: string, filters: number, bias = 0) => {
    const h = L.conv2d({
      filters: headChannels,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: init(),
      name: `${prefix}_${name}_hidden`,
    }).apply(x);
    return L.conv2d({
      filters,
      kernelSize: 1,
      kernelInitializer: init(),
      biasInitializer: tf.initializers.constant({ value: bias }),
      name: `${prefix}_${name}`,
    }).apply(h) as ST;
  };
  const outputs = [head("heatmap", o.numClasses, -2.19), head("size", 2), head("offset", 2)];
  return tf.model({ inputs, outputs, name: prefix });
}
