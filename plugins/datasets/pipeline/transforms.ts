/**
 * Image transforms as geometry: where to crop and what size to resize to,
 * for timm's train transform (RandomResizedCrop, horizontal flip) and eval
 * transform (resize the shorter side to `floor(size / cropPct)`, centre crop).
 * Pure functions of the image size and a seed, so workers (which must not
 * load tfjs) and tests share them, and a resumed run draws the same crops.
 *
 * @example
 * ```ts
 * import { evalPlan, trainPlan } from "./transforms.ts";
 * const spec = { kind: "eval", size: 224, cropPct: 0.875 } as const;
 * const plan = evalPlan(500, 375, spec); // resize to 341×256, crop 224² at (58, 16)
 * const t = trainPlan(500, 375, { kind: "train", size: 224 }, 7);
 * ```
 * @module
 */

/** How images become tensors; mean/std come from the backbone's pretrained config. */
export interface TransformSpec {
  /** Random-resized-crop and flip (train) or resize and centre crop (eval). */
  kind: "train" | "eval";
  /** Output side (square). */
  size: number;
  /** Per-channel mean and std on the 0..1 scale (default ImageNet's). */
  mean?: [number, number, number];
  /** Per-channel std on the 0..1 scale (default ImageNet's). */
  std?: [number, number, number];
  /** Eval: the centre-crop fraction (timm's crop_pct; default 0.875). */
  cropPct?: number;
  /** Train: RandomResizedCrop area fraction range (default [0.08, 1]). */
  scale?: [number, number];
  /** Train: aspect-ratio range (default [3/4, 4/3]). */
  ratio?: [number, number];
  /** Train: horizontal flip with probability ½ (default true). */
  flip?: boolean;
  /** Resampling kernel (default bilinear). */
  interpolation?: "bilinear" | "bicubic";
}

/** ImageNet's channel statistics (torchvision, timm). */
export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
/** ImageNet's channel standard deviations (torchvision, timm). */
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

/** A crop box in source pixels, the size it is resized to, and whether to mirror it. */
export interface Plan {
  /** Resize the whole image to this size first (eval), or null (train: crop first). */
  resize: { width: number; height: number } | null;
  /** The crop box in source pixels. */
  crop: { left: number; top: number; width: number; height: number };
  /** Train: resize the crop to this square; eval: the crop already has it. */
  out: number;
  /** Mirror horizontally. */
  flip: boolean;
}

/** Seeded uniform floats in [0, 1) (mulberry32; tiny so workers need not load the core). */
export function uniform(seed: number): () => number {
  let s = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * RandomResizedCrop's box (torchvision's `get_params`): up to 10 draws of an
 * area fraction in `scale` and a log-uniform aspect ratio in `ratio`; the
 * first box that fits wins, else the centre crop at the nearest allowed ratio.
 */
export function randomResizedCropBox(
  width: number,
  height: number,
  next: () => number,
  scale: [number, number] = [0.08, 1],
  ratio: [number, number] = [3 / 4, 4 / 3],
): Plan["crop"] {
  const area = width * height;
  const [l0, l1] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * next());
    const aspect = Math.exp(l0 + (l1 - l0) * next());
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      const top = Math.floor(next() * (height - h + 1));
      const left = Math.floor(next() * (width - w + 1));
      return { left, top, width: w, height: h };
    }
  }
  const inRatio = width / height;
  let w = width, h = height;
  if (inRatio < Math.min(...ratio)) h = Math.round(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = Math.round(h * Math.max(...ratio));
  return {
    left: Math.floor((width - w) / 2),
    top: Math.floor((height - h) / 2),
    width: w,
    height: h,
  };
}

/** The train plan of one image: a RandomResizedCrop box, resized to `size`², maybe mirrored. */
export function trainPlan(width: number, height: number, spec: TransformSpec, seed: number): Plan {
  const next = uniform(seed);
  const crop = randomResizedCropBox(width, height, next, spec.scale, spec.ratio);
  const flip = (spec.flip ?? true) && next() < 0.5;
  return { resize: null, crop, out: spec.size, flip };
}

/**
 * The eval plan (timm): the shorter side resized to `floor(size / cropPct)`
 * (the longer side scaled and truncated, as torchvision's Resize does), then
 * the centre `size`² crop (offsets rounded half to even, as Python's round).
 */
export function evalPlan(width: number, height: number, spec: TransformSpec): Plan {
  const cropPct = spec.cropPct ?? 0.875;
  const short = Math.floor(spec.size / cropPct);
  const [w, h] = width <= height
    ? [short, Math.floor(short * height / width)]
    : [Math.floor(short * width / height), short];
  const roundHalfEven = (v: number) => {
    const f = Math.floor(v);
    return v - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(v);
  };
  const size = Math.min(spec.size, w, h);
  return {
    resize: { width: w, height: h },
    crop: {
      left: roundHalfEven((w - size) / 2),
      top: roundHalfEven((h - size) / 2),
      width: size,
      height: size,
    },
    out: spec.size,
    flip: false,
  };
}

/** The plan for `spec` (train plans need a seed). */
export function planFor(width: number, height: number, spec: TransformSpec, seed: number): Plan {
  return spec.kind === "train"
    ? trainPlan(width, height, spec, seed)
    : evalPlan(width, height, spec);
}

/** Normalises interleaved RGB bytes into `out` (NHWC floats): `(v / 255 − mean) / std`. */
export function normalise(
  rgb: Uint8Array,
  out: Float32Array,
  mean: readonly number[] = IMAGENET_MEAN,
  std: readonly number[] = IMAGENET_STD,
): Float32Array {
  const a = std.map((s) => 1 / (255 * s)), b = mean.map((m, c) => -m / std[c]);
  for (let i = 0; i < rgb.length; i += 3) {
    out[i] = rgb[i] * a[0] + b[0];
    out[i + 1] = rgb[i + 1] * a[1] + b[1];
    out[i + 2] = rgb[i + 2] * a[2] + b[2];
  }
  return out;
}
