/**
 * Box IoU as pycocotools' `maskUtils.iou` computes it for boxes (`bbIou` in maskApi.c): boxes are
 * `[x, y, w, h]`; against a crowd box the union is the detection's own area (intersection over
 * detection area), so a detection inside a crowd region matches it fully.
 * @module
 */

/**
 * IoU matrix `[D, G]` (row-major, `out[d * G + g]`) of detections against ground truth.
 *
 * @example
 * ```ts
 * import { boxIou } from "./box_iou.ts";
 * boxIou([[0, 0, 10, 10]], [[5, 0, 10, 10]], [false]); // Float64Array [1/3]
 * ```
 */
export function boxIou(
  dets: readonly (readonly number[])[],
  gts: readonly (readonly number[])[],
  crowd: readonly boolean[],
): Float64Array {
  const D = dets.length, G = gts.length;
  const out = new Float64Array(D * G);
  for (let g = 0; g < G; g++) {
    const gb = gts[g];
    const ga = gb[2] * gb[3];
    for (let d = 0; d < D; d++) {
      const db = dets[d];
      const da = db[2] * db[3];
      const w = Math.min(db[2] + db[0], gb[2] + gb[0]) - Math.max(db[0], gb[0]);
      if (w <= 0) continue;
      const h = Math.min(db[3] + db[1], gb[3] + gb[1]) - Math.max(db[1], gb[1]);
      if (h <= 0) continue;
      const i = w * h;
      const u = crowd[g] ? da : da + ga - i;
      out[d * G + g] = i / u;
    }
  }
  return out;
}
