/**
 * The built-in domain shifts, registered as `shift` plugins (any
 * `--plugin FILE` can register more; see `ShiftPlugin`): non-linear
 * per-pixel and spatial transforms of 28×28 digits, deterministic per
 * (seed, image index).
 *
 * - `solarize` (default): band inversion `x < ½ ? 2x : 2 − 2x` — stroke
 *   cores go dark, their edges bright; not monotone, so no per-pixel affine
 *   correction undoes it.
 * - `gamma`: `0.2 + 0.6·x^0.3` — a lifted background and fattened strokes.
 * - `elastic`: an elastic warp (smoothed random displacement, α = 8, σ = 3)
 *   plus Gaussian noise (σ = 0.15).
 * - `solarize-elastic`: both.
 *
 * @example
 * ```ts
 * import { applyShift } from "./shifts.ts";
 * const images = new Float32Array(2 * 28 * 28).fill(0.25); // two 28×28 digits in [0, 1]
 * const shifted = applyShift("solarize", images, 1); // 0.25 → 0.5
 * ```
 * @module
 */
import { lookup, register, Rng, type ShiftPlugin } from "@quadranet/core";
import { PIXELS } from "./data.ts";

const SIZE = 28;

function solarize(img: Float32Array): void {
  for (let i = 0; i < img.length; i++) img[i] = img[i] < 0.5 ? 2 * img[i] : 2 - 2 * img[i];
}

function gamma(img: Float32Array): void {
  for (let i = 0; i < img.length; i++) img[i] = 0.2 + 0.6 * Math.pow(img[i], 0.3);
}

function blur(field: Float32Array, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k = Array.from(
    { length: 2 * r + 1 },
    (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma ** 2)),
  );
  const norm = k.reduce((a, b) => a + b);
  const pass = (src: Float32Array, dx: number, dy: number) => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        let s = 0;
        for (let t = -r; t <= r; t++) {
          const xx = Math.min(SIZE - 1, Math.max(0, x + t * dx));
          const yy = Math.min(SIZE - 1, Math.max(0, y + t * dy));
          s += k[t + r] * src[yy * SIZE + xx];
        }
        out[y * SIZE + x] = s / norm;
      }
    }
    return out;
  };
  return pass(pass(field, 1, 0), 0, 1);
}

function elastic(img: Float32Array, rng: Rng): void {
  const alpha = 8, sigma = 3;
  const field = () => {
    const f = new Float32Array(PIXELS);
    for (let i = 0; i < PIXELS; i++) f[i] = rng.next() * 2 - 1;
    const b = blur(f, sigma);
    let max = 1e-6;
    for (const v of b) max = Math.max(max, Math.abs(v));
    return b.map((v) => (v / max) * alpha * 0.5);
  };
  const fx = field(), fy = field();
  const src = img.slice();
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= SIZE || y >= SIZE ? 0 : src[y * SIZE + x];
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const sx = x + fx[y * SIZE + x], sy = y + fy[y * SIZE + x];
      const x0 = Math.floor(sx), y0 = Math.floor(sy), ax = sx - x0, ay = sy - y0;
      img[y * SIZE + x] = (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) +
        ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1));
    }
  }
  for (let i = 0; i < PIXELS; i++) img[i] = Math.min(1, Math.max(0, img[i] + 0.15 * rng.normal()));
}

/** The built-in shifts, default first. */
export const BUILTIN_SHIFTS: ShiftPlugin[] = [
  {
    name: "solarize",
    description: "band inversion x < ½ ? 2x : 2 − 2x",
    apply: (img) => solarize(img),
  },
  { name: "gamma", description: "0.2 + 0.6·x^0.3", apply: (img) => gamma(img) },
  {
    name: "elastic",
    description: "elastic warp (α 8, σ 3) and Gaussian noise (σ 0.15)",
    apply: (img, _shape, rng) => elastic(img, rng),
  },
  {
    name: "solarize-elastic",
    description: "elastic, then solarize",
    apply: (img, _shape, rng) => {
      elastic(img, rng);
      solarize(img);
    },
  },
];
for (const s of BUILTIN_SHIFTS) register("shift", s.name, s);

/** Built-in shift names, default first. */
export const SHIFT_NAMES = BUILTIN_SHIFTS.map((s) => s.name);

/**
 * A shifted copy of `images` (`[N·784]`, 28×28×1 each) by the registered
 * shift `name`; image `i` uses RNG seed `(seed, i)`. Unknown names fail
 * listing the registered shifts.
 */
export function applyShift(name: string, images: Float32Array, seed: number): Float32Array {
  const shift = lookup("shift", name);
  const out = images.slice();
  const shape = { height: 28, width: 28, channels: 1 };
  for (let i = 0; i < out.length / PIXELS; i++) {
    shift.apply(out.subarray(i * PIXELS, (i + 1) * PIXELS), shape, new Rng(seed * 1_000_003 + i));
  }
  return out;
}
