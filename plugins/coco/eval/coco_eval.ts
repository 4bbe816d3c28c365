/**
 * COCO box evaluation, identical to pycocotools' `COCOeval(gt, dt, "bbox")` followed by
 * `evaluate()`, `accumulate()` and `summarize()`.
 * @module
 */
import { CocoFormatError, type CocoInstances } from "../instances.ts";
import { accumulateCell, type Accumulated, emptyAccumulated } from "./accumulate.ts";
import {
  type EvalDt,
  type EvalGt,
  evaluateImage,
  type ImageEval,
  prepareImageCategory,
} from "./evaluate_image.ts";
import { AREA_RANGES, IOU_THRESHOLDS, MAX_DETS, RECALL_THRESHOLDS } from "./params.ts";
import type { CocoResult } from "./results_file.ts";
import { categoryAp, STAT_NAMES, summaryLines, summaryStats } from "./summarize.ts";

/** What an evaluation gives. */
export interface CocoEvalResult {
  /** The 12 numbers of summarize(), in its order ({@link STAT_NAMES}); -1 where undefined. */
  stats: number[];
  /** The same by name: `{ AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl }`. */
  named: Record<typeof STAT_NAMES[number], number>;
  /** The 12 lines summarize() prints. */
  lines: string[];
  /** AP per category (ids ascending), -1 for a category without regular ground truth. */
  perCategory: { id: number; name: string; ap: number }[];
  /** Detections whose category is not in the ground truth (pycocotools drops them too). */
  skippedDetections: number;
  /** The precision and recall arrays (pycocotools' `eval`). */
  accumulated: Accumulated;
}

/**
 * Evaluates detections against ground truth. Detections on images missing from the ground truth
 * are an error (pycocotools: "Results do not correspond to current coco set").
 *
 * @example
 * ```ts
 * import { evaluateCoco, readInstances, readResults } from "@quadranet/coco";
 * const r = evaluateCoco(await readInstances("gt.json"), await readResults("dt.json"));
 * console.log(r.lines.join("\n"));
 * ```
 */
export function evaluateCoco(gt: CocoInstances, results: readonly CocoResult[]): CocoEvalResult {
  const imgIds = [...new Set(gt.images.map((i) => i.id))].sort((a, b) => a - b);
  const cats = [...gt.categories].sort((a, b) => a.id - b.id);
  const imgIndex = new Map(imgIds.map((id, i) => [id, i]));
  const catIndex = new Map(cats.map((c, k) => [c.id, k]));
  const I = imgIds.length, K = cats.length;
  const gtCells: EvalGt[][] = Array.from({ length: I * K }, () => []);
  const dtCells: EvalDt[][] = Array.from({ length: I * K }, () => []);
  for (const a of gt.annotations) {
    const i = imgIndex.get(a.image_id), k = catIndex.get(a.category_id);
    if (i === undefined || k === undefined) continue;
    gtCells[k * I + i].push({ id: a.id, bbox: a.bbox, area: a.area, crowd: a.iscrowd !== 0 });
  }
  const foreign = new Set<number>();
  let skipped = 0;
  results.forEach((r, n) => {
    const i = imgIndex.get(r.image_id);
    if (i === undefined) {
      foreign.add(r.image_id);
      return;
    }
    const k = catIndex.get(r.category_id);
    if (k === undefined) {
      skipped++;
      return;
    }
    dtCells[k * I + i].push({
      id: n + 1,
      bbox: r.bbox,
      area: r.bbox[2] * r.bbox[3],
      score: r.score,
    });
  });
  if (foreign.size > 0) {
    const some = [...foreign].slice(0, 5).join(", ");
    throw new CocoFormatError(
      `Results do not correspond to the ground truth: ${foreign.size} image id(s) (${some}) are not in its images; ` +
        `evaluate against the annotation file the detections were made for`,
    );
  }
  const maxDet = MAX_DETS[MAX_DETS.length - 1];
  const acc = emptyAccumulated({
    T: IOU_THRESHOLDS.length,
    R: RECALL_THRESHOLDS.length,
    K,
    A: AREA_RANGES.length,
    M: MAX_DETS.length,
  });
  for (let k = 0; k < K; k++) {
    const prepared = [];
    for (let i = 0; i < I; i++) {
      prepared.push(prepareImageCategory(gtCells[k * I + i], dtCells[k * I + i], maxDet));
    }
    for (let a = 0; a < AREA_RANGES.length; a++) {
      const evals: (ImageEval | null)[] = prepared.map((p) =>
        evaluateImage(p, AREA_RANGES[a], maxDet, IOU_THRESHOLDS)
      );
      accumulateCell(acc, k, a, evals, MAX_DETS, RECALL_THRESHOLDS);
    }
  }
  const stats = summaryStats(acc);
  const named = Object.fromEntries(
    STAT_NAMES.map((n, i) => [n, stats[i]]),
  ) as CocoEvalResult["named"];
  return {
    stats,
    named,
    lines: summaryLines(stats),
    perCategory: cats.map((c, k) => ({ id: c.id, name: c.name, ap: categoryAp(acc, k) })),
    skippedDetections: skipped,
    accumulated: acc,
  };
}
