/**
 * One digits-detect image: a noisy tinted background with real MNIST digits pasted at random
 * scales and positions (some overlapping, some tiny) and now and then a crowd: a tight cluster of
 * tiny digits of one class annotated as one `iscrowd` region.
 * @module
 */
import type { Rng } from "@quadranet/core";
import { DIGIT_SIDE, inkBox, type MnistDigits, resizeDigit } from "./mnist_digits.ts";

/** How images are composed. */
export interface ComposeOptions {
  /** Canvas side in pixels. */
  size: number;
  /** Digits per image, inclusive range. */
  minDigits: number;
  /** Upper end of the digits-per-image range. */
  maxDigits: number;
  /** Probability that an image also holds a crowd cluster. */
  crowdRate: number;
  /** Fraction of digits drawn tiny (default 0.2). */
  tinyRate?: number;
  /** Side range of a tiny digit's 28-pixel square as fractions of the canvas (default [0.09, 0.16]). */
  tinyScale?: [number, number];
  /** Side range of the other digits, drawn log-uniform (default [0.18, 0.9]). */
  scale?: [number, number];
}

/** One annotated object of a composed image; `bbox` is `[x, y, w, h]`. */
export interface ComposedObject {
  /** Digit class 0..9. */
  label: number;
  /** Ink box `[x, y, w, h]` in pixels. */
  bbox: [number, number, number, number];
  /** Whether this is a crowd region. */
  crowd: boolean;
}

/** A composed image: interleaved RGB bytes `[size·size·3]` and its objects. */
export interface ComposedImage {
  /** Interleaved RGB bytes. */
  rgb: Uint8Array;
  /** Annotated objects. */
  objects: ComposedObject[];
}

function overlap(a: number[], b: number[]): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  // intersection over the smaller square: a tiny digit under a big one counts as hidden
  return (w * h) / Math.min(a[2] * a[3], b[2] * b[3]);
}

/** Alpha-blends one digit (ink as alpha) of colour `rgb` at (x, y); returns its ink box or null. */
function paste(
  canvas: Float32Array,
  size: number,
  digit: Float32Array,
  side: number,
  x: number,
  y: number,
  colour: number[],
): [number, number, number, number] | null {
  const ink = resizeDigit(digit, side);
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      const a = ink[j * side + i];
      if (a <= 0) continue;
      const p = ((y + j) * size + (x + i)) * 3;
      for (let c = 0; c < 3; c++) canvas[p + c] = canvas[p + c] * (1 - a) + colour[c] * a;
    }
  }
  const box = inkBox(ink, side);
  return box && [box[0] + x, box[1] + y, box[2], box[3]];
}

/** Composes one image from digits `pool` (indices into `digits`), drawing from `rng`. */
export function composeImage(
  digits: MnistDigits,
  pool: Int32Array,
  opts: ComposeOptions,
  rng: Rng,
): ComposedImage {
  const { size } = opts;
  const canvas = new Float32Array(size * size * 3);
  const bg = 0.05 + 0.3 * rng.next();
  const tint = [rng.next(), rng.next(), rng.next()].map((t) => 0.1 * (t - 0.5));
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) canvas[p * 3 + c] = bg + tint[c] + 0.04 * rng.normal();
  }
  const px = DIGIT_SIDE * DIGIT_SIDE;
  const pick = () => pool[rng.int(pool.length)];
  const colour = () => [0, 1, 2].map(() => 0.6 + 0.4 * rng.next());
  const objects: ComposedObject[] = [];
  const placed: number[][] = [];
  // a crowd first, so single digits may lie on top of it
  if (rng.next() < opts.crowdRate) {
    const d0 = pick(), label = digits.labels[d0];
    const same = pool.filter((d) => digits.labels[d] === label);
    const side = Math.max(6, Math.round(size * (0.1 + 0.05 * rng.next())));
    const span = Math.min(size, side * 3);
    const cx = rng.int(size - span + 1), cy = rng.int(size - span + 1);
    const col = colour();
    let x0 = size, y0 = size, x1 = 0, y1 = 0;
    const members = 3 + rng.int(3);
    for (let m = 0; m < members; m++) {
      const d = same[rng.int(same.length)];
      const b = paste(
        canvas,
        size,
        digits.images.subarray(d * px, (d + 1) * px),
        side,
        cx + rng.int(span - side + 1),
        cy + rng.int(span - side + 1),
        col,
      );
      if (!b) continue;
      x0 = Math.min(x0, b[0]), y0 = Math.min(y0, b[1]);
      x1 = Math.max(x1, b[0] + b[2]), y1 = Math.max(y1, b[1] + b[3]);
    }
    if (x1 > x0) {
      objects.push({ label, bbox: [x0, y0, x1 - x0, y1 - y0], crowd: true });
      placed.push([x0, y0, x1 - x0, y1 - y0]);
    }
  }
  const count = opts.minDigits + rng.int(opts.maxDigits - opts.minDigits + 1);
  for (let n = 0; n < count; n++) {
    // a few tiny (by default 20% at about a tenth of the canvas), the rest log-uniform
    const tiny = rng.next() < (opts.tinyRate ?? 0.2);
    const [lo, hi] = tiny ? opts.tinyScale ?? [0.09, 0.16] : opts.scale ?? [0.18, 0.9];
    const side = Math.max(5, Math.round(size * lo * Math.pow(hi / lo, rng.next())));
    for (let attempt = 0; attempt < 12; attempt++) {
      const x = rng.int(size - side + 1), y = rng.int(size - side + 1);
      // overlap allowed, but not so much that a digit hides another
      if (placed.some((b) => overlap(b, [x, y, side, side]) > 0.25)) continue;
      const d = pick();
      const box = paste(
        canvas,
        size,
        digits.images.subarray(d * px, (d + 1) * px),
        side,
        x,
        y,
        colour(),
      );
      if (box) {
        objects.push({ label: digits.labels[d], bbox: box, crowd: false });
        placed.push([x, y, side, side]);
      }
      break;
    }
  }
  const rgb = new Uint8Array(size * size * 3);
  for (let i = 0; i < rgb.length; i++) {
    rgb[i] = Math.round(Math.min(1, Math.max(0, canvas[i])) * 255);
  }
  return { rgb, objects };
}
