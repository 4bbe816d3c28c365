/**
 * A tiny classification task for loop tests: 6×6×1 images whose class
 * depends on a product of two pixel regions (a quadratic boundary), and a
 * small CNN with BatchNorm and a `head` Dense layer, both seeded.
 *
 * @example
 * ```ts
 * const { train, test } = tinyData(96, 1);
 * const model = tinyCnn(1);
 * ```
 * @module
 */
import type { Dataset } from "../train/evaluate.ts";
import type { TrainOptions } from "../train/train_loop.ts";
import { Rng } from "../train/rng.ts";
import { tf } from "../tf.ts";

/** `n` training and `n/2` test examples of 3 classes. */
export function tinyData(n: number, seed: number): { train: Dataset; test: Dataset } {
  const make = (count: number, rng: Rng): Dataset => {
    const x = new Float32Array(count * 36);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      for (let p = 0; p < 36; p++) x[i * 36 + p] = rng.normal();
      const a = x[i * 36 + 7] + x[i * 36 + 8], b = x[i * 36 + 27] + x[i * 36 + 28];
      y[i] = a * b > 0.5 ? 0 : a * b < -0.5 ? 1 : 2;
    }
    return { x: tf.tensor4d(x, [count, 6, 6, 1]), y };
  };
  const rng = new Rng(seed);
  return { train: make(n, rng), test: make(Math.floor(n / 2), rng) };
}

/** conv(4, 3×3) → BN → relu → flatten → dense(3) "head", seeded. */
export function tinyCnn(seed: number): tf.Sequential {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 10 + s });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: "conv",
        filters: 4,
        kernelSize: 3,
        padding: "same",
        inputShape: [6, 6, 1],
        kernelInitializer: init(1),
      }),
      tf.layers.batchNormalization({ name: "bn" }),
      tf.layers.reLU({ name: "relu" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ name: "head", units: 3, kernelInitializer: init(2) }),
    ],
  });
}

/**
 * The loop tests' settings on the tiny task: batch 16, lr 0.02, seed 3,
 * AdamW (weight decay 0.01), cosine schedule with 2 warm-up steps, one
 * stage `all` training primary, head and norm for `epochs`; `extra` overrides.
 */
export function tinyTrainOptions(
  model: tf.LayersModel,
  train: TrainOptions["train"],
  evalSet: Dataset,
  epochs: number,
  extra: Partial<TrainOptions> = {},
): TrainOptions {
  return {
    model,
    train,
    eval: evalSet,
    batchSize: 16,
    lr: 0.02,
    seed: 3,
    optimizer: { kind: "adamw", weightDecay: 0.01 },
    schedule: { kind: "cosine", warmupSteps: 2 },
    stages: [{ name: "all", train: ["primary", "head", "norm"], epochs }],
    ...extra,
  };
}
