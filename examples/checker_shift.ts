/**
 * A user's own domain shift as a plugin file: inverts the pixels (x → 1 − x)
 * of alternate 7×7 blocks in a checkerboard, then adds a seeded brightness
 * offset per image (±0.1, clipped to 0..1). Nobody tuned on it.
 *
 *     deno task train --plugin examples/checker_shift.ts --shift checker
 *
 * @module
 */
import { register, type ShiftPlugin } from "@quadranet/core";

/** Block side in pixels. */
export const BLOCK = 7;

/** The checkerboard shift. */
export const checker: ShiftPlugin = {
  name: "checker",
  description: "invert alternate 7×7 blocks, then a random brightness offset of ±0.1",
  apply(image, { height, width, channels }, rng) {
    const offset = 0.2 * rng.next() - 0.1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const flip = (Math.floor(y / BLOCK) + Math.floor(x / BLOCK)) % 2 === 1;
        for (let c = 0; c < channels; c++) {
          const i = (y * width + x) * channels + c;
          const v = flip ? 1 - image[i] : image[i];
          image[i] = Math.min(1, Math.max(0, v + offset));
        }
      }
    }
  },
};

register("shift", checker.name, checker);
