/**
 * Test support: a few synthetic detection images (filled rectangles, red =
 * class 0, green = class 1, on a dim noisy background) and a tiny conv
 * backbone giving stride 8/16/32 feature maps.
 *
 * @example
 * ```ts
 * import { syntheticBatch, tinyBackbone } from "./synthetic.ts";
 * const { images, targets } = syntheticBatch();
 * const backbone = tinyBackbone(64);
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { DetectionTarget } from "@quadranet/core";

/** The hand-placed objects: `[x1, y1, x2, y2, label]` per image (64x64). */
export const SYNTHETIC_OBJECTS: number[][][] = [
  [[8, 10, 32, 30, 0]],
  [[30, 28, 58, 56, 1]],
  [[4, 36, 24, 60, 1], [36, 6, 60, 26, 0]],
  [[20, 16, 48, 44, 0]],
];

/** The images `[4, 64, 64, 3]` and their targets. */
export function syntheticBatch(size = 64): { images: tf.Tensor4D; targets: DetectionTarget[] } {
  const n = SYNTHETIC_OBJECTS.length;
  const px = new Float32Array(n * size * size * 3);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < px.length; i++) px[i] = 0.1 * rand();
  SYNTHETIC_OBJECTS.forEach((objs, b) => {
    for (const [x1, y1, x2, y2, c] of objs) {
      for (let y = y1; y < y2; y++) {
        for (let x = x1; x < x2; x++) px[((b * size + y) * size + x) * 3 + c] = 1;
      }
    }
  });
  return {
    images: tf.tensor4d(px, [n, size, size, 3]),
    targets: SYNTHETIC_OBJECTS.map((objs) => ({
      boxes: new Float32Array(objs.flatMap((o) => o.slice(0, 4))),
      labels: new Int32Array(objs.map((o) => o[4])),
    })),
  };
}

/** Five stride-2 3x3 convs (ReLU); outputs the stride 8, 16 and 32 maps (16, 32, 32 channels). */
export function tinyBackbone(size = 64, seed = 1): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3] });
  const widths = [16, 16, 16, 32, 32];
  let x = input;
  const outs: tf.SymbolicTensor[] = [];
  widths.forEach((w, i) => {
    x = tf.layers.conv2d({
      filters: w,
      kernelSize: 3,
      strides: 2,
      padding: "same",
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: seed + i }),
      name: `tiny_conv_${i}`,
    }).apply(x) as tf.SymbolicTensor;
    if (i >= 2) outs.push(x);
  });
  return tf.model({ inputs: input, outputs: outs });
}

/** IoU of two `[x1, y1, x2, y2]` boxes. */
export function iou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const area = (r: ArrayLike<number>) => (r[2] - r[0]) * (r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}
