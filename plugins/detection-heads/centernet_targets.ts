/**
 * CenterNet target maps on the CPU (Zhou et al., "Objects as Points", 2019):
 * per class a heatmap with a Gaussian splat at each object's centre on the
 * output grid, and at the centre cell the object's size and the sub-cell
 * offset of its centre. The Gaussian radius is the reference
 * implementation's `gaussian_radius` (min overlap 0.7; the three quadratic
 * cases of CornerNet, kept exactly as the implementation has them).
 *
 * @example
 * ```ts
 * import { gaussianRadius } from "./centernet_targets.ts";
 * const r = Math.max(0, Math.floor(gaussianRadius(10, 10))); // 2
 * ```
 * @module
 */
import type { DetectionTarget } from "@quadranet/core";

/** CenterNet's `gaussian_radius((height, width), minOverlap)`. */
export function gaussianRadius(height: number, width: number, minOverlap = 0.7): number {
  const b1 = height + width;
  const c1 = (width * height * (1 - minOverlap)) / (1 + minOverlap);
  const r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
  const b2 = 2 * (height + width);
  const c2 = (1 - minOverlap) * width * height;
  const r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
  const a3 = 4 * minOverlap;
  const b3 = -2 * minOverlap * (height + width);
  const c3 = (minOverlap - 1) * width * height;
  const r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
  return Math.min(r1, r2, r3);
}

/**
 * Splats `exp(−(dx² + dy²) / 2σ²)`, σ = (2r + 1)/6, within radius r around
 * `(cx, cy)` into one class plane of an `[H, W, C]` heatmap, keeping the max.
 */
export function drawGaussian(
  heatmap: Float32Array,
  [height, width, classes]: [number, number, number],
  cls: number,
  cx: number,
  cy: number,
  radius: number,
): void {
  const sigma = (2 * radius + 1) / 6;
  for (let dy = -radius; dy <= radius; dy++) {
    const y = cy + dy;
    if (y < 0 || y >= height) continue;
    for (let dx = -radius; dx <= radius; dx++) {
      const x = cx + dx;
      if (x < 0 || x >= width) continue;
      const v = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
      if (v < Number.EPSILON) continue;
      const k = (y * width + x) * classes + cls;
      if (v > heatmap[k]) heatmap[k] = v;
    }
  }
}

/** Target maps of one image on an `[H, W]` grid of stride `stride`. */
export interface CenterNetTargets {
  /** `[H, W, C]` Gaussian heatmap */
  heatmap: Float32Array;
  /** `[H, W, C]`: 1 exactly at object centres (the focal loss' positives) */
  peaks: Float32Array;
  /** `[H, W, 1]`: 1 at centre cells (where size and offset are regressed) */
  mask: Float32Array;
  /** `[H, W, 2]`: (w, h) of the object in output cells */
  size: Float32Array;
  /** `[H, W, 2]`: centre minus its cell, in `[0, 1)` */
  offset: Float32Array;
  /** number of objects drawn (centres, counting a shared cell once per class) */
  numPeaks: number;
}

/**
 * Builds the maps. Boxes are in input pixels, clipped to the grid; boxes
 * with no area after clipping are skipped. Two objects whose centres share a
 * cell keep the later one's size and offset.
 */
export function centerNetTargets(
  target: DetectionTarget,
  { height, width, stride, numClasses, minOverlap = 0.7 }: {
    height: number;
    width: number;
    stride: number;
    numClasses: number;
    minOverlap?: number;
  },
): CenterNetTargets {
  const n = target.labels.length;
  if (target.boxes.length !== 4 * n) {
    throw new RangeError(
      `CenterNet targets: ${target.boxes.length} box coordinates for ${n} labels; ` +
        `boxes must hold 4 numbers [x1, y1, x2, y2] per label`,
    );
  }
  const heatmap = new Float32Array(height * width * numClasses);
  const peaks = new Float32Array(height * width * numClasses);
  const mask = new Float32Array(height * width);
  const size = new Float32Array(height * width * 2);
  const offset = new Float32Array(height * width * 2);
  const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  for (let g = 0; g < n; g++) {
    const cls = target.labels[g];
    if (!(cls >= 0 && cls < numClasses)) {
      throw new RangeError(`CenterNet targets: label ${cls} outside 0..${numClasses - 1}`);
    }
    const x1 = clip(target.boxes[4 * g] / stride, width - 1);
    const y1 = clip(target.boxes[4 * g + 1] / stride, height - 1);
    const x2 = clip(target.boxes[4 * g + 2] / stride, width - 1);
    const y2 = clip(target.boxes[4 * g + 3] / stride, height - 1);
    const w = x2 - x1, h = y2 - y1;
    if (!(w > 0 && h > 0)) continue;
    const radius = Math.max(0, Math.floor(gaussianRadius(Math.ceil(h), Math.ceil(w), minOverlap)));
    const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
    const ix = Math.floor(cx), iy = Math.floor(cy);
    drawGaussian(heatmap, [height, width, numClasses], cls, ix, iy, radius);
    const cell = iy * width + ix;
    peaks[cell * numClasses + cls] = 1;
    mask[cell] = 1;
    size.set([w, h], 2 * cell);
    offset.set([cx - ix, cy - iy], 2 * cell);
  }
  const numPeaks = peaks.reduce((s, v) => s + v, 0);
  return { heatmap, peaks, mask, size, offset, numPeaks };
}
