/**
 * MobileNetV2 (Sandler et al. 2018) with torchvision's layout: a 3×3/2
 * stem, inverted residual blocks (1×1 expansion, 3×3 depthwise, 1×1 linear
 * projection, residual when shapes allow), a 1×1 conv to 1280 channels,
 * global pooling and the classifier; BatchNorm and ReLU6 throughout. Layer
 * names are torchvision's module paths with "." → "_" (`features_2_conv_1_0`).
 *
 * @example
 * ```ts
 * const m = mobilenetV2({ widthMult: 1, numClasses: 1000, inputShape: [224, 224, 3] });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** torchvision's `[expansion t, channels c, repeats n, stride s]`. */
export const MOBILENETV2_SETTING: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Options of {@link mobilenetV2}. */
export interface MobilenetV2Options {
  /** Width multiplier of every block. */
  widthMult: number;
  /** Classifier outputs. */
  numClasses: number;
  /** `[h, w, c]`. */
  inputShape: [number, number, number];
  /** Inverted-residual settings `[t, c, n, s]` (default: torchvision's). */
  setting?: [number, number, number, number][];
  /** Return the stage outputs (strides 4, 8, 16, 32) instead of logits. */
  featuresOnly?: boolean;
}

/** torchvision's `_make_divisible`. */
export function makeDivisible(v: number, divisor = 8): number {
  const n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return n < 0.9 * v ? n + divisor : n;
}

function convBn(
  x: ST,
  name: string,
  filters: number,
  k: number,
  stride: number,
  depthwise: boolean,
  act: boolean,
): ST {
  const pad = Math.floor(k / 2);
  const input = pad > 0 && stride > 1
    ? L.zeroPadding2d({ name: `${name}_pad`, padding: pad }).apply(x) as ST
    : x;
  const padding = pad > 0 && stride === 1 ? "same" : "valid";
  let y = depthwise
    ? L.depthwiseConv2d({
      name: `${name}_0`,
      kernelSize: k,
      strides: stride,
      padding,
      useBias: false,
    }).apply(input) as ST
    : L.conv2d({
      name: `${name}_0`,
      filters,
      kernelSize: k,
      strides: stride,
      padding,
      useBias: false,
    }).apply(input) as ST;
  y = L.batchNormalization({ name: `${name}_1`, epsilon: 1e-5, momentum: 0.9 }).apply(y) as ST;
  return act ? L.reLU({ name: `${name}_relu6`, maxValue: 6 }).apply(y) as ST : y;
}

/** A torchvision-layout MobileNetV2. */
export function mobilenetV2(o: MobilenetV2Options): tf.LayersModel {
  const input = tf.input({ shape: o.inputShape, name: "image" });
  let c = makeDivisible(32 * o.widthMult);
  let x = convBn(input, "features_0", c, 3, 2, false, true);
  let index = 1;
  const features: ST[] = [];
  for (const [t, ch, n, s] of o.setting ?? MOBILENETV2_SETTING) {
    const out = makeDivisible(ch * o.widthMult);
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1, name = `features_${index++}_conv`;
      if (stride === 2) features.push(x);
      const hidden = Math.round(c * t);
      let y = x, j = 0;
      if (t !== 1) y = convBn(y, `${name}_${j++}`, hidden, 1, 1, false, true);
      y = convBn(y, `${name}_${j++}`, hidden, 3, stride, true, true);
      y = L.conv2d({ name: `${name}_${j++}`, filters: out, kernelSize: 1, useBias: false }).apply(
        y,
      ) as ST;
      y = L.batchNormalization({ name: `${name}_${j}`, epsilon: 1e-5, momentum: 0.9 }).apply(
        y,
      ) as ST;
      x = stride === 1 && c === out ? L.add({ name: `${name}_add` }).apply([x, y]) as ST : y;
      c = out;
    }
  }
  const last = makeDivisible(1280 * Math.max(1, o.widthMult));
  x = convBn(x, `features_${index}`, last, 1, 1, false, true);
  features.push(x);
  if (o.featuresOnly) {
    // stride-4, 8, 16 and 32 maps: the inputs of the stride-2 blocks after the first, then the last
    return tf.model({ inputs: input, outputs: features.slice(-4), name: "mobilenetv2_features" });
  }
  x = L.globalAveragePooling2d({ name: "avgpool" }).apply(x) as ST;
  const out = L.dense({ name: "classifier_1", units: o.numClasses }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: "mobilenetv2" });
}

/** Default adapter targets: the depthwise convs and the expansion convs of the blocks. */
export function mobilenetV2Targets(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => {
    if (!/^features_\d+_conv_\d_0$/.test(l.name)) return false;
    if (l.getClassName() === "DepthwiseConv2D") return true;
    return l.getClassName() === "Conv2D" && /_conv_0_0$/.test(l.name) &&
      (l.getConfig().kernelSize as number[])[0] === 1 &&
      model.layers.some((d) => d.name === l.name.replace(/_conv_0_0$/, "_conv_1_0"));
  }).map((l) => l.name);
}
