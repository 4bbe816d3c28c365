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
  parseInstances,
  readInstances,
} from "../instances.ts";
export { formatPython3f, STAT_NAMES } from "./summarize.ts";
export {
  type CocoResult,
  detectionsToResults,
  type ImageDetections,
  readResults,
  writeResults,
} from "./results_file.ts";
export { type CocoEvalResult, evaluateCoco } from "./coco_eval.ts";
export { type Accumulated, type AccumulateDims } from "./accumulate.ts";
