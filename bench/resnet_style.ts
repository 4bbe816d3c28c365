/**
 * A ResNet-18-style CNN (basic blocks [2, 2, 2, 2], BatchNorm, ReLU, global
 * average pooling) at a chosen width, for benchmarks. The same architecture
 * is built in PyTorch by `bench/torch_step.py`.
 *
 * @example
 * ```ts
 * const model = resnet18Style({ size: 32, width: 32, classes: 10 });
 * ```
 * @module
 */
import { adapt, Optimizer, softmaxCrossEntropy, sumOfSquares, tf } from "@quadranet/core";

type ST = tf.SymbolicTensor;
const L = tf.layers;

function convBn(
  x: ST,
  name: string,
  filters: number,
  k: number,
  strides: number,
  relu: boolean,
): ST {
  let y = L.conv2d({ name, filters, kernelSize: k, strides, padding: "same", useBias: false })
    .apply(x) as ST;
  y = L.batchNormalization({ name: `${name}_bn`, epsilon: 1e-5, momentum: 0.9 }).apply(y) as ST;
  return relu ? L.reLU({ name: `${name}_relu` }).apply(y) as ST : y;
}

/** ResNet-18 layout with stage widths `width·[1, 2, 4, 8]` and a 3×3 stem. */
export function resnet18Style(
  { size, width, classes }: { size: number; width: number; classes: number },
): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3], name: "image" });
  let x = convBn(input, "stem", width, 3, 1, true);
  let channels = width;
  for (let s = 0; s < 4; s++) {
    const filters = width * 2 ** s;
    for (let b = 0; b < 2; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      const name = `s${s + 1}b${b + 1}`;
      let y = convBn(x, `${name}_conv1`, filters, 3, stride, true);
      y = convBn(y, `${name}_conv2`, filters, 3, 1, false);
      const shortcut = stride !== 1 || channels !== filters
        ? convBn(x, `${name}_down`, filters, 1, stride, false)
        : x;
      x = L.reLU({ name: `${name}_out` }).apply(
        L.add({ name: `${name}_add` }).apply([y, shortcut]) as ST,
      ) as ST;
      channels = filters;
    }
  }
  x = L.globalAveragePooling2d({ name: "pool" }).apply(x) as ST;
  const out = L.dense({ name: "fc", units: classes }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: "resnet18_style" });
}

/** The benches' adapted network and one seeded batch (10 classes, labels `i mod 10`). */
export interface AdaptedBatch {
  /** resnet18Style with a quadratic adapter (rank 8) on every Conv2D but the stem. */
  model: tf.LayersModel;
  /** Inputs `[batch, size, size, 3]`, N(0, 1), seed 4. */
  x: tf.Tensor;
  /** One-hot labels `[batch, 10]`. */
  y: tf.Tensor;
}

/** The adapted ResNet-18-style network the benches time, with one batch. */
export function adaptedResnetBatch(size: number, width: number, batch: number): AdaptedBatch {
  const model = adapt(resnet18Style({ size, width, classes: 10 }), {
    rank: 8,
    targets: ["Conv2D"],
    exclude: ["stem"],
  });
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, "float32", 4);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), "int32"), 10);
  return { model, x, y };
}

/**
 * One training step with tfjs' own Adam (lr 1e-3) and softmax cross-entropy
 * in training mode; returns the loss (the caller disposes it).
 */
export function tfjsAdamStep({ model, x, y }: AdaptedBatch): () => tf.Scalar {
  const opt = tf.train.adam(1e-3);
  return () =>
    opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    ) as tf.Scalar;
}

/**
 * One training step as `deno task train` takes it: AdamW (lr 1e-3, weight
 * decay 1e-4 on rank ≥ 2 weights), label smoothing 0.1, clipping at global
 * norm 1, BatchNorm in training mode.
 */
export function loopStep({ model, x, y }: AdaptedBatch): () => void {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const params = vars.map((v) => ({ key: v.name, variable: v, decay: v.rank >= 2 }));
  const opt = new Optimizer({ kind: "adamw", weightDecay: 1e-4 });
  return () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor, 0.1),
        vars,
      );
      value.dataSync();
      const norm = Math.sqrt(sumOfSquares(Object.values(grads)).dataSync()[0]);
      const byKey = Object.fromEntries(vars.map((v) => [v.name, grads[v.name]]));
      opt.apply(params, byKey, 1e-3, norm > 1 ? 1 / norm : 1);
    });
}
