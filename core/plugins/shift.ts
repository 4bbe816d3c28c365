/**
 * The `shift` plugin kind: a named, seeded image transform that makes a
 * target domain out of clean images (digits-shift's `--shift`). Built-in
 * shifts register like any plugin; `--plugin FILE` can add one, so a
 * comparison can be tried on shifts nobody tuned on.
 *
 * @example
 * ```ts
 * import { register, type ShiftPlugin } from "@quadranet/core";
 * const invert: ShiftPlugin = {
 *   name: "invert",
 *   description: "1 − x",
 *   apply(image) {
 *     for (let i = 0; i < image.length; i++) image[i] = 1 - image[i];
 *   },
 * };
 * register("shift", invert.name, invert);
 * ```
 * @module
 */
import type { Rng } from "../train/rng.ts";

/** Layout of the image a shift receives. */
export interface ImageShape {
  /** Rows of pixels. */
  height: number;
  /** Columns of pixels. */
  width: number;
  /** Channels per pixel. */
  channels: number;
}

/** A registered domain shift. */
export interface ShiftPlugin {
  /** Registry name (`--shift`). */
  name: string;
  /** One line for `--help`. */
  description: string;
  /**
   * Transforms one image in place. `image` is row-major HWC with values in
   * 0..1 (keep them there); `rng` is seeded per (run seed, image index), so
   * the shift is deterministic and every image gets its own draw.
   */
  apply(image: Float32Array, shape: ImageShape, rng: Rng): void;
}
