/**
 * FCOS target assignment on the CPU (Tian et al., 2019), from plain typed
 * arrays: tfjs has no gradient for the comparisons this needs, and the
 * targets are constants of the loss anyway.
 *
 * A location of level l with stride s sits at `(j·s + ⌊s/2⌋, i·s + ⌊s/2⌋)`.
 * It is positive for box g when it lies strictly inside g (with centre
 * sampling: inside g ∩ the square of half-side `radius·s` around g's
 * centre) and `max(l, t, r, b)` lies in the level's size range
 * `[lo, hi]`. Among several such boxes the smallest-area one wins.
 *
 * @example
 * ```ts
 * import { assignFcosTargets } from "./fcos_targets.ts";
 * const t = assignFcosTargets(
 *   { boxes: new Float32Array([0, 0, 32, 32]), labels: new Int32Array([0]) },
 *   [{ stride: 8, height: 4, width: 4, range: [-1, Infinity] }],
 *   { centerRadius: 1.5 },
 * );
 * ```
 * @module
 */
import type { DetectionTarget } from "@quadranet/core";

/** One pyramid level's geometry and size range. */
export interface FcosLevel {
  /** Input pixels per cell. */
  stride: number;
  /** Cells along the height. */
  height: number;
  /** Cells along the width. */
  width: number;
  /** `[lo, hi]`: the level regresses boxes whose largest distance lies in it */
  range: [number, number];
}

/** Targets of one image over all levels (level-major, then row-major). */
export interface FcosTargets {
  /** class index per location, −1 for background */
  labels: Int32Array;
  /** `(l, t, r, b)` in input pixels per location (1 where background, never used) */
  ltrb: Float32Array;
  /** centerness target per location (0 where background) */
  centerness: Float32Array;
  /** number of positive locations */
  numPositives: number;
}

/** mmdetection's FCOS ranges for P3–P7; fewer levels end with an open range. */
export function defaultSizeRanges(levels: number): [number, number][] {
  const edges = [-1, 64, 128, 256, 512];
  const ranges: [number, number][] = [];
  for (let l = 0; l < levels; l++) {
    const lo = edges[Math.min(l, edges.length - 1)];
    const hi = l === levels - 1 ? Infinity : edges[Math.min(l + 1, edges.length - 1)];
    ranges.push([lo, hi]);
  }
  return ranges;
}

/** Centerness `sqrt(min(l,r)/max(l,r) · min(t,b)/max(t,b))`. */
export function centernessOf(l: number, t: number, r: number, b: number): number {
  return Math.sqrt((Math.min(l, r) / Math.max(l, r)) * (Math.min(t, b) / Math.max(t, b)));
}

/** Assigns each location of `levels` a box of `target` (or background). */
export function assignFcosTargets(
  target: DetectionTarget,
  levels: FcosLevel[],
  { centerRadius = 1.5 }: { centerRadius?: number } = {},
): FcosTargets {
  const n = levels.reduce((s, l) => s + l.height * l.width, 0);
  const labels = new Int32Array(n).fill(-1);
  const ltrb = new Float32Array(4 * n).fill(1);
  const centerness = new Float32Array(n);
  const numBoxes = target.labels.length;
  if (target.boxes.length !== 4 * numBoxes) {
    throw new RangeError(
      `FCOS targets: ${target.boxes.length} box coordinates for ${numBoxes} labels; ` +
        `boxes must hold 4 numbers [x1, y1, x2, y2] per label`,
    );
  }
  const b = target.boxes;
  let numPositives = 0;
  let offset = 0;
  for (const level of levels) {
    const s = level.stride;
    const [lo, hi] = level.range;
    for (let i = 0; i < level.height; i++) {
      const y = i * s + Math.floor(s / 2);
      for (let j = 0; j < level.width; j++) {
        const x = j * s + Math.floor(s / 2);
        const k = offset + i * level.width + j;
        let best = -1;
        let bestArea = Infinity;
        for (let g = 0; g < numBoxes; g++) {
          const x1 = b[4 * g], y1 = b[4 * g + 1], x2 = b[4 * g + 2], y2 = b[4 * g + 3];
          let ix1 = x1, iy1 = y1, ix2 = x2, iy2 = y2;
          if (centerRadius > 0) {
            const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2, r = centerRadius * s;
            ix1 = Math.max(x1, cx - r);
            iy1 = Math.max(y1, cy - r);
            ix2 = Math.min(x2, cx + r);
            iy2 = Math.min(y2, cy + r);
          }
          if (!(x > ix1 && y > iy1 && x < ix2 && y < iy2)) continue;
          const m = Math.max(x - x1, y - y1, x2 - x, y2 - y);
          if (m < lo || m > hi) continue;
          const area = (x2 - x1) * (y2 - y1);
          if (area < bestArea) {
            bestArea = area;
            best = g;
          }
        }
        if (best < 0) continue;
        const l = x - b[4 * best], t = y - b[4 * best + 1];
        const r = b[4 * best + 2] - x, bo = b[4 * best + 3] - y;
        labels[k] = target.labels[best];
        ltrb.set([l, t, r, bo], 4 * k);
        centerness[k] = centernessOf(l, t, r, bo);
        numPositives++;
      }
    }
    offset += level.height * level.width;
  }
  return { labels, ltrb, centerness, numPositives };
}
