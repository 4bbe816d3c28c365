/**
 * Per-image, per-category matching, step for step as pycocotools' `COCOeval.evaluateImg`.
 * @module
 */
import { boxIou } from "./box_iou.ts";

/** A ground-truth box of one image and category. */
export interface EvalGt {
  /** Annotation id (pycocotools stores it as the match; an id of 0 reads as "unmatched" there too). */
  id: number;
  /** Box `[x, y, w, h]`. */
  bbox: readonly number[];
  /** The annotation's `area` field. */
  area: number;
  /** A crowd region (matched by intersection over the detection area, ignored). */
  crowd: boolean;
}

/** A detection of one image and category. */
export interface EvalDt {
  /** 1-based position in the results list (as pycocotools' loadRes numbers them). */
  id: number;
  /** Box `[x, y, w, h]`. */
  bbox: readonly number[];
  /** `w * h` of the box. */
  area: number;
  /** Confidence. */
  score: number;
}

/** One image and category, sorted and with IoUs, shared by the four area ranges. */
export interface ImageCategory {
  /** Ground truth in file order. */
  gts: EvalGt[];
  /** Detections by descending score (stable), at most `maxDets` of them. */
  dts: EvalDt[];
  /** `[D, G]`, rows in `dts` order, columns in `gts` order. */
  ious: Float64Array;
}

/** What `evaluateImg` returns: match flags per IoU threshold `t` (row-major `[T, D]`). */
export interface ImageEval {
  /** Matched ground-truth id per `[t, d]`, 0 when unmatched. */
  dtMatches: Float64Array;
  /** 1 where detection `d` is ignored at threshold `t`. */
  dtIgnore: Uint8Array;
  /** 1 where a ground truth is ignored (crowd or outside the area range), in sorted order. */
  gtIgnore: Uint8Array;
  /** Scores of the kept detections, descending. */
  dtScores: number[];
}

/** Sorts detections by descending score (stable, as numpy's mergesort), keeps `maxDets`, computes IoUs. */
export function prepareImageCategory(gts: EvalGt[], dts: EvalDt[], maxDets: number): ImageCategory {
  const order = dts.map((_, i) => i).sort((a, b) => dts[b].score - dts[a].score || a - b);
  const sorted = order.slice(0, maxDets).map((i) => dts[i]);
  const ious = gts.length === 0 || sorted.length === 0 ? new Float64Array(0) : boxIou(
    sorted.map((d) => d.bbox),
    gts.map((g) => g.bbox),
    gts.map((g) => g.crowd),
  );
  return { gts, dts: sorted, ious };
}

/**
 * Greedy matching of one image and category inside one area range; `null` when there is neither
 * ground truth nor a detection. Ignored ground truth (crowd or outside the range) is sorted last; a
 * detection takes the best still-free ground truth at or above each threshold, never leaves a
 * regular match for an ignored one, and may share a crowd region with others; an unmatched
 * detection outside the range is ignored.
 */
export function evaluateImage(
  ic: ImageCategory,
  areaRange: readonly [number, number],
  maxDet: number,
  iouThresholds: readonly number[],
): ImageEval | null {
  const { gts, ious } = ic;
  if (gts.length === 0 && ic.dts.length === 0) return null;
  const ignoreRaw = gts.map((g) => g.crowd || g.area < areaRange[0] || g.area > areaRange[1]);
  // stable argsort by the ignore flag: regular first, ignored last
  const gtind = gts.map((_, i) => i).sort((a, b) =>
    Number(ignoreRaw[a]) - Number(ignoreRaw[b]) || a - b
  );
  const gt = gtind.map((i) => gts[i]);
  const dt = ic.dts.slice(0, maxDet);
  const T = iouThresholds.length, G = gt.length, D = dt.length;
  const G0 = gts.length;
  const gtIgnore = Uint8Array.from(gtind, (i) => (ignoreRaw[i] ? 1 : 0));
  const gtMatched = new Float64Array(T * G);
  const dtMatches = new Float64Array(T * D);
  const dtIgnore = new Uint8Array(T * D);
  if (ious.length > 0) {
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        let iou = Math.min(iouThresholds[t], 1 - 1e-10);
        let m = -1;
        for (let g = 0; g < G; g++) {
          if (gtMatched[t * G + g] > 0 && !gt[g].crowd) continue;
          if (m > -1 && gtIgnore[m] === 0 && gtIgnore[g] === 1) break;
          const v = ious[d * G0 + gtind[g]];
          if (v < iou) continue;
          iou = v;
          m = g;
        }
        if (m === -1) continue;
        dtIgnore[t * D + d] = gtIgnore[m];
        dtMatches[t * D + d] = gt[m].id;
        gtMatched[t * G + m] = dt[d].id;
      }
    }
  }
  for (let d = 0; d < D; d++) {
    const outside = dt[d].area < areaRange[0] || dt[d].area > areaRange[1];
    if (!outside) continue;
    for (let t = 0; t < T; t++) if (dtMatches[t * D + d] === 0) dtIgnore[t * D + d] = 1;
  }
  return { dtMatches, dtIgnore, gtIgnore, dtScores: dt.map((d) => d.score) };
}
