/**
 * Precision/recall accumulation as pycocotools' `COCOeval.accumulate`: detections of all images
 * merged by descending score (stable), cumulative TP/FP per IoU threshold, the precision envelope
 * (made non-increasing from the right) read at 101 recall points.
 * @module
 */
import type { ImageEval } from "./evaluate_image.ts";

/** `np.spacing(1)`: the gap from 1 to the next double. */
const EPS = 2.220446049250313e-16;

/** Sizes of the accumulated arrays. */
export interface AccumulateDims {
  /** IoU thresholds. */
  T: number;
  /** Recall points. */
  R: number;
  /** Categories. */
  K: number;
  /** Area ranges. */
  A: number;
  /** maxDets settings. */
  M: number;
}

/** pycocotools' `eval` dict: -1 marks a cell without any regular ground truth. */
export interface Accumulated {
  /** Array sizes. */
  dims: AccumulateDims;
  /** `[T, R, K, A, M]` row-major. */
  precision: Float64Array;
  /** `[T, K, A, M]` row-major. */
  recall: Float64Array;
}

/** Empty arrays filled with -1. */
export function emptyAccumulated(dims: AccumulateDims): Accumulated {
  const { T, R, K, A, M } = dims;
  return {
    dims,
    precision: new Float64Array(T * R * K * A * M).fill(-1),
    recall: new Float64Array(T * K * A * M).fill(-1),
  };
}

/** Index of the first `i` with `sorted[i] >= v` (numpy searchsorted, side "left"). */
function searchLeft(sorted: Float64Array, v: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Fills cells `[:, :, k, a, :]` from the per-image results of category `k`, area range `a` (images
 * in id order; `null`s skipped), for each `maxDets[m]`.
 */
export function accumulateCell(
  acc: Accumulated,
  k: number,
  a: number,
  evals: readonly (ImageEval | null)[],
  maxDets: readonly number[],
  recallThresholds: readonly number[],
): void {
  const { T, R, K, A, M } = acc.dims;
  const E = evals.filter((e): e is ImageEval => e !== null);
  if (E.length === 0) return;
  let npig = 0;
  for (const e of E) for (const g of e.gtIgnore) if (g === 0) npig++;
  for (let m = 0; m < M; m++) {
    const maxDet = maxDets[m];
    // (image, detection) pairs in concatenation order
    const img: number[] = [], det: number[] = [], scores: number[] = [];
    E.forEach((e, ei) => {
      const n = Math.min(maxDet, e.dtScores.length);
      for (let d = 0; d < n; d++) {
        img.push(ei);
        det.push(d);
        scores.push(e.dtScores[d]);
      }
    });
    if (npig === 0) continue;
    const order = scores.map((_, i) => i).sort((x, y) => scores[y] - scores[x] || x - y);
    const nd = order.length;
    for (let t = 0; t < T; t++) {
      const rc = new Float64Array(nd);
      const pr = new Float64Array(nd);
      let tp = 0, fp = 0;
      for (let j = 0; j < nd; j++) {
        const e = E[img[order[j]]];
        const D = e.dtScores.length;
        const cell = t * D + det[order[j]];
        if (e.dtIgnore[cell] === 0) {
          if (e.dtMatches[cell] !== 0) tp++;
          else fp++;
        }
        rc[j] = tp / npig;
        pr[j] = tp / (fp + tp + EPS);
      }
      acc.recall[((t * K + k) * A + a) * M + m] = nd ? rc[nd - 1] : 0;
      for (let i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
      for (let r = 0; r < R; r++) {
        const pi = searchLeft(rc, recallThresholds[r]);
        // pycocotools stops at the first recall point it cannot reach; the rest stay 0
        acc.precision[(((t * R + r) * K + k) * A + a) * M + m] = pi < nd ? pr[pi] : 0;
      }
    }
  }
}
