/**
 * ResNet (He et al. 2016) as tfjs-layers models with torchvision's exact
 * geometry: a 7×7/2 stem with symmetric padding, 3×3/2 max pooling, basic
 * blocks (ResNet-18/34) or bottlenecks (ResNet-50, stride on the 3×3),
 * 1×1 projection shortcuts. Layer names are torchvision's module paths with
 * "." → "_" (`layer1_0_conv1`), which is how weights are matched.
 *
 * @example
 * ```ts
 * const model = resnet({ depth: 18, width: 64, numClasses: 1000, inputShape: [224, 224, 3] });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** Options of {@link resnet}. */
export interface ResnetOptions {
  /** Depth (basic blocks for 18/34, bottlenecks for 50). */
  depth: 18 | 34 | 50;
  /** Channels of the stem and first stage (torchvision: 64). */
  width: number;
  /** Classifier outputs. */
  numClasses: number;
  /** `[h, w, c]`. */
  inputShape: [number, number, number];
  /** Return the four stage outputs (strides 4, 8, 16, 32) instead of logits. */
  featuresOnly?: boolean;
}

const BLOCKS: Record<number, [number[], "basic" | "bottleneck"]> = {
  18: [[2, 2, 2, 2], "basic"],
  34: [[3, 4, 6, 3], "basic"],
  50: [[3, 4, 6, 3], "bottleneck"],
};

function conv(x: ST, name: string, filters: number, k: number, stride: number): ST {
  const pad = Math.floor(k / 2);
  // PyTorch pads symmetrically; tfjs "same" with stride 2 pads bottom/right only.
  const padded = pad > 0 && stride > 1
    ? L.zeroPadding2d({ name: `${name}_pad`, padding: pad }).apply(x) as ST
    : x;
  return L.conv2d({
    name,
    filters,
    kernelSize: k,
    strides: stride,
    padding: pad > 0 && stride === 1 ? "same" : "valid",
    useBias: false,
  }).apply(padded) as ST;
}

function bn(x: ST, name: string): ST {
  return L.batchNormalization({ name, epsilon: 1e-5, momentum: 0.9 }).apply(x) as ST;
}

function relu(x: ST, name: string): ST {
  return L.reLU({ name }).apply(x) as ST;
}

function block(
  x: ST,
  name: string,
  kind: "basic" | "bottleneck",
  width: number,
  stride: number,
): ST {
  const cin = x.shape[3] as number;
  const cout = kind === "basic" ? width : 4 * width;
  let y: ST;
  if (kind === "basic") {
    y = relu(bn(conv(x, `${name}_conv1`, width, 3, stride), `${name}_bn1`), `${name}_relu1`);
    y = bn(conv(y, `${name}_conv2`, width, 3, 1), `${name}_bn2`);
  } else {
    y = relu(bn(conv(x, `${name}_conv1`, width, 1, 1), `${name}_bn1`), `${name}_relu1`);
    y = relu(bn(conv(y, `${name}_conv2`, width, 3, stride), `${name}_bn2`), `${name}_relu2`);
    y = bn(conv(y, `${name}_conv3`, cout, 1, 1), `${name}_bn3`);
  }
  const shortcut = stride !== 1 || cin !== cout
    ? bn(conv(x, `${name}_downsample_0`, cout, 1, stride), `${name}_downsample_1`)
    : x;
  return relu(L.add({ name: `${name}_add` }).apply([y, shortcut]) as ST, `${name}_out`);
}

/** A torchvision-layout ResNet. */
export function resnet(o: ResnetOptions): tf.LayersModel {
  const [counts, kind] = BLOCKS[o.depth];
  const input = tf.input({ shape: o.inputShape, name: "image" });
  let x = relu(bn(conv(input, "conv1", o.width, 7, 2), "bn1"), "relu");
  x = L.zeroPadding2d({ name: "maxpool_pad", padding: 1 }).apply(x) as ST; // x ≥ 0: zeros act as -inf
  x = L.maxPooling2d({ name: "maxpool", poolSize: 3, strides: 2, padding: "valid" }).apply(x) as ST;
  const features: ST[] = [];
  counts.forEach((n, s) => {
    for (let i = 0; i < n; i++) {
      x = block(x, `layer${s + 1}_${i}`, kind, o.width * 2 ** s, s > 0 && i === 0 ? 2 : 1);
    }
    features.push(x);
  });
  if (o.featuresOnly) {
    return tf.model({ inputs: input, outputs: features, name: `resnet${o.depth}_features` });
  }
  x = L.globalAveragePooling2d({ name: "avgpool" }).apply(x) as ST;
  const out = L.dense({ name: "fc", units: o.numClasses }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: `resnet${o.depth}` });
}

/** Default adapter targets: the 3×3 convs of the residual blocks. */
export function resnetTargets(model: tf.LayersModel): string[] {
  return model.layers.filter((l) =>
    l.getClassName() === "Conv2D" && /^layer\d_\d+_conv\d$/.test(l.name) &&
    (l.getConfig().kernelSize as number[])[0] === 3
  ).map((l) => l.name);
}
