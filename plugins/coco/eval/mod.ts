/**
 * COCO box evaluation alone (no image libraries): `@quadranet/coco/eval`.
 *
 * @example
 * ```ts
 * import { evaluateCoco, readInstances, readResults } from "@quadranet/coco/eval";
 * const r = evaluateCoco(await readInstances("gt.json"), await readResults("dt.json"));
 * ```
 * @module
 */
export {
  type CocoAnnotation,
  type CocoCategory,
  CocoFormatError,
  type CocoImage,
  type CocoInstances,
  parseBox,
  parseInstances,
  readInstances,
} from "../instances.ts";
export {
  AREA_LABELS,
  AREA_RANGES,
  IOU_THRESHOLDS,
  iouIndex,
  linspace,
  MAX_DETS,
  meanValid,
  numpySum,
  RECALL_THRESHOLDS,
} from "./params.ts";
export { boxIou } from "./box_iou.ts";
export {
  type EvalDt,
  type EvalGt,
  evaluateImage,
  type ImageCategory,
  type ImageEval,
  prepareImageCategory,
} from "./evaluate_image.ts";
export {
  accumulateCell,
  type Accumulated,
  type AccumulateDims,
  emptyAccumulated,
} from "./accumulate.ts";
export { categoryAp, formatPython3f, STAT_NAMES, summaryLines, summaryStats } from "./summarize.ts";
export {
  type CocoResult,
  detectionsToResults,
  type ImageDetections,
  parseResults,
  readResults,
  writeResults,
} from "./results_file.ts";
export { type CocoEvalResult, evaluateCoco } from "./coco_eval.ts";
