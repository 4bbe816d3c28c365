/**
 * Small models of the shapes users bring, for tests and examples: a
 * Sequential CNN, a ResNet-shaped functional model (residual Adds, a
 * Concatenate, pooling) and a MobileNetV2-shaped one (ZeroPadding2D,
 * DepthwiseConv2D, BatchNorm, ReLU6, inverted residuals).
 *
 * @example
 * ```ts
 * import { mobileNetV2Shaped, randomizeWeights } from "./models.ts";
 * const m = randomizeWeights(mobileNetV2Shaped(), 1);
 * ```
 * @module
 */
import { tf } from "../tf.ts";

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** Conv 5×5 → pool → dilated 3×3 → 7×7 stride 2 → 2×2 valid → flatten → dense → dense softmax. */
export function sequentialCnn(): tf.Sequential {
  return tf.sequential({
    name: "seq_cnn",
    layers: [
      L.conv2d({
        name: "conv1",
        filters: 6,
        kernelSize: 5,
        padding: "same",
        activation: "relu",
        inputShape: [12, 12, 2],
      }),
      L.maxPooling2d({ name: "pool1", poolSize: 2 }),
      L.conv2d({
        name: "conv2",
        filters: 8,
        kernelSize: 3,
        dilationRate: 2,
        padding: "same",
        activation: "relu",
      }),
      L.conv2d({ name: "conv3", filters: 6, kernelSize: 7, padding: "same", strides: 2 }),
      L.conv2d({ name: "conv4", filters: 4, kernelSize: 2, padding: "valid" }),
      L.flatten({ name: "flat" }),
      L.dense({ name: "fc1", units: 10, activation: "relu" }),
      L.dense({ name: "head", units: 5, activation: "softmax" }),
    ],
  });
}

function convBn(x: ST, name: string, filters: number, k: number, strides = 1, relu = true): ST {
  let y = L.conv2d({ name, filters, kernelSize: k, strides, padding: "same", useBias: false })
    .apply(x) as ST;
  y = L.batchNormalization({ name: `${name}_bn` }).apply(y) as ST;
  return relu ? L.reLU({ name: `${name}_relu` }).apply(y) as ST : y;
}

/** A ResNet-shaped functional model with residual Adds, a strided block and a Concatenate. */
export function resnetShaped(): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3], name: "image" });
  let x = convBn(input, "stem", 8, 3);
  x = L.maxPooling2d({ name: "stem_pool", poolSize: 2 }).apply(x) as ST;
  // identity block
  let y = convBn(x, "b1_conv1", 8, 3);
  y = convBn(y, "b1_conv2", 8, 3, 1, false);
  x = L.reLU({ name: "b1_out" }).apply(L.add({ name: "b1_add" }).apply([x, y]) as ST) as ST;
  // strided block with a projection shortcut
  y = convBn(x, "b2_conv1", 12, 3, 2);
  y = convBn(y, "b2_conv2", 12, 3, 1, false);
  const sc = convBn(x, "b2_down", 12, 1, 2, false);
  x = L.reLU({ name: "b2_out" }).apply(L.add({ name: "b2_add" }).apply([sc, y]) as ST) as ST;
  // two branches concatenated
  const a = L.conv2d({ name: "br_a", filters: 4, kernelSize: 1, activation: "relu" }).apply(
    x,
  ) as ST;
  const b = L.conv2d({
    name: "br_b",
    filters: 4,
    kernelSize: 5,
    padding: "same",
    activation: "relu",
  }).apply(x) as ST;
  x = L.concatenate({ name: "br_cat" }).apply([a, b]) as ST;
  x = L.globalAveragePooling2d({ name: "gap" }).apply(x) as ST;
  const out = L.dense({ name: "head", units: 5 }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: "resnet_shaped" });
}

function invertedResidual(x: ST, name: string, cin: number, cout: number, stride: number): ST {
  let y = L.conv2d({ name: `${name}_expand`, filters: cin * 4, kernelSize: 1, useBias: false })
    .apply(x) as ST;
  y = L.batchNormalization({ name: `${name}_expand_bn` }).apply(y) as ST;
  y = L.reLU({ name: `${name}_expand_relu`, maxValue: 6 }).apply(y) as ST;
  if (stride === 2) {
    y = L.zeroPadding2d({ name: `${name}_pad`, padding: [[0, 1], [0, 1]] }).apply(y) as ST;
  }
  y = L.depthwiseConv2d({
    name: `${name}_dw`,
    kernelSize: 3,
    strides: stride,
    padding: stride === 2 ? "valid" : "same",
    useBias: false,
  }).apply(y) as ST;
  y = L.batchNormalization({ name: `${name}_dw_bn` }).apply(y) as ST;
  y = L.reLU({ name: `${name}_dw_relu`, maxValue: 6 }).apply(y) as ST;
  y = L.conv2d({ name: `${name}_project`, filters: cout, kernelSize: 1, useBias: false }).apply(
    y,
  ) as ST;
  y = L.batchNormalization({ name: `${name}_project_bn` }).apply(y) as ST;
  return cin === cout && stride === 1 ? L.add({ name: `${name}_add` }).apply([x, y]) as ST : y;
}

/** A MobileNetV2-shaped functional model. */
export function mobileNetV2Shaped(): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3], name: "image" });
  let x = L.zeroPadding2d({ name: "stem_pad", padding: [[0, 1], [0, 1]] }).apply(input) as ST;
  x = L.conv2d({
    name: "stem",
    filters: 8,
    kernelSize: 3,
    strides: 2,
    padding: "valid",
    useBias: false,
  })
    .apply(x) as ST;
  x = L.batchNormalization({ name: "stem_bn" }).apply(x) as ST;
  x = L.activation({ name: "stem_relu", activation: "relu6" }).apply(x) as ST;
  x = invertedResidual(x, "block1", 8, 8, 1);
  x = invertedResidual(x, "block2", 8, 12, 2);
  x = invertedResidual(x, "block3", 12, 12, 1);
  x = L.globalAveragePooling2d({ name: "gap" }).apply(x) as ST;
  const out = L.dense({ name: "predictions", units: 5, activation: "softmax" }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: "mobilenetv2_shaped" });
}

/** Sets every weight to seeded random values (BatchNorm variances positive). Returns `model`. */
export function randomizeWeights<M extends tf.LayersModel>(model: M, seed: number): M {
  let s = seed;
  for (const layer of model.layers) {
    layer.setWeights(layer.weights.map((w) => {
      const shape = w.shape as number[];
      const t = tf.randomNormal(shape, 0, 0.5, "float32", ++s);
      return /moving_variance/.test(w.originalName) ? tf.add(tf.abs(t), 0.5) : t;
    }));
  }
  return model;
}
