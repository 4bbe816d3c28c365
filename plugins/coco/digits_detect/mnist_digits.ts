/**
 * MNIST digits for the digits-detect scenes: the loader (shared with the
 * digits tasks, `@quadranet/datasets/mnist`), a bilinear resize and the ink box.
 * @module
 */
import { DIGIT_SIDE } from "@quadranet/datasets/mnist";

export { DIGIT_SIDE, type MnistDigits, mnistDigits } from "@quadranet/datasets/mnist";

/**
 * Bilinear resize of one 28×28 digit to `side`×`side` (pixel centres aligned, as sharp/OpenCV do).
 * Returns the ink `[side·side]`.
 */
export function resizeDigit(digit: Float32Array, side: number): Float32Array {
  const out = new Float32Array(side * side);
  const s = DIGIT_SIDE / side;
  for (let y = 0; y < side; y++) {
    const fy = Math.min(Math.max((y + 0.5) * s - 0.5, 0), DIGIT_SIDE - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, DIGIT_SIDE - 1), wy = fy - y0;
    for (let x = 0; x < side; x++) {
      const fx = Math.min(Math.max((x + 0.5) * s - 0.5, 0), DIGIT_SIDE - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, DIGIT_SIDE - 1), wx = fx - x0;
      const top = digit[y0 * DIGIT_SIDE + x0] * (1 - wx) + digit[y0 * DIGIT_SIDE + x1] * wx;
      const bot = digit[y1 * DIGIT_SIDE + x0] * (1 - wx) + digit[y1 * DIGIT_SIDE + x1] * wx;
      out[y * side + x] = top * (1 - wy) + bot * wy;
    }
  }
  return out;
}

/**
 * The tight box `[x, y, w, h]` of the pixels with ink above `threshold` in a `side`×`side` patch,
 * or null when there is none.
 */
export function inkBox(
  ink: Float32Array,
  side: number,
  threshold = 0.25,
): [number, number, number, number] | null {
  let x0 = side, y0 = side, x1 = -1, y1 = -1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (ink[y * side + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}
