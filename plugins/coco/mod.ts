/**
 * COCO detection for QuadraNet-TS: evaluation identical to pycocotools' box `COCOeval`, the
 * results-file format, the instances format, the `"coco"` and `"digits-detect"` datasets
 * (registered on import) with letterbox decoding on workers, and the digits-detect generator.
 *
 * @example
 * ```ts
 * import { evaluateCoco, readInstances, readResults } from "@quadranet/coco";
 * const r = evaluateCoco(await readInstances("instances_val2017.json"), await readResults("dt.json"));
 * console.log(r.lines.join("\n"), r.named.AP);
 * ```
 * @module
 */
import { register } from "@quadranet/core";
import { cocoDataset, digitsDetectDataset } from "./dataset/coco_dataset.ts";

export {
  accumulateCell,
  type Accumulated,
  type AccumulateDims,
  AREA_LABELS,
  AREA_RANGES,
  boxIou,
  categoryAp,
  type CocoAnnotation,
  type CocoCategory,
  type CocoEvalResult,
  CocoFormatError,
  type CocoImage,
  type CocoInstances,
  type CocoResult,
  detectionsToResults,
  emptyAccumulated,
  type EvalDt,
  type EvalGt,
  evaluateCoco,
  evaluateImage,
  formatPython3f,
  type ImageCategory,
  type ImageDetections,
  type ImageEval,
  IOU_THRESHOLDS,
  iouIndex,
  linspace,
  MAX_DETS,
  meanValid,
  numpySum,
  parseBox,
  parseInstances,
  parseResults,
  prepareImageCategory,
  readInstances,
  readResults,
  RECALL_THRESHOLDS,
  STAT_NAMES,
  summaryLines,
  summaryStats,
  writeResults,
} from "./eval/mod.ts";
export { CocoSource, type CocoTarget, trainingTarget } from "./dataset/coco_source.ts";
export {
  boxesToImage,
  boxesToInput,
  type LetterboxPlan,
  planLetterbox,
} from "./dataset/letterbox.ts";
export {
  decodeLetterbox,
  IMAGENET_NORMALISATION,
  type Normalisation,
} from "./dataset/decode_letterbox.ts";
export { LetterboxPool } from "./dataset/decode_pool.ts";
export {
  type BatchOptions,
  type DetectionBatch,
  loadDetectionBatch,
} from "./dataset/detection_batches.ts";
export { cocoDataset, digitsDetectDataset, openCocoSplit } from "./dataset/coco_dataset.ts";
export {
  DIGIT_SIDE,
  inkBox,
  type MnistDigits,
  mnistDigits,
  resizeDigit,
} from "./digits_detect/mnist_digits.ts";
export {
  type ComposedImage,
  type ComposedObject,
  composeImage,
  type ComposeOptions,
} from "./digits_detect/compose.ts";
export {
  DIGITS_DETECT_DEFAULTS,
  type DigitsDetectOptions,
  generateDigitsDetect,
} from "./digits_detect/generate.ts";

register("dataset", cocoDataset.name, cocoDataset);
register("dataset", digitsDetectDataset.name, digitsDetectDataset);
