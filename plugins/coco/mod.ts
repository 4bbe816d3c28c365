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
  type Accumulated,
  type AccumulateDims,
  type CocoAnnotation,
  type CocoCategory,
  type CocoEvalResult,
  CocoFormatError,
  type CocoImage,
  type CocoInstances,
  type CocoResult,
  detectionsToResults,
  evaluateCoco,
  formatPython3f,
  type ImageDetections,
  parseInstances,
  readInstances,
  readResults,
  STAT_NAMES,
  writeResults,
} from "./eval/mod.ts";
export { CocoSource, type CocoTarget, trainingTarget } from "./dataset/coco_source.ts";
export { boxesToImage, type LetterboxPlan } from "./dataset/letterbox.ts";
export { IMAGENET_NORMALISATION, type Normalisation } from "./dataset/decode_letterbox.ts";
export { LetterboxPool } from "./dataset/decode_pool.ts";
export {
  type BatchOptions,
  type DetectionBatch,
  loadDetectionBatch,
} from "./dataset/detection_batches.ts";
export { cocoDataset, digitsDetectDataset, openCocoSplit } from "./dataset/coco_dataset.ts";
export { type MnistDigits, mnistDigits } from "./digits_detect/mnist_digits.ts";
export { type DigitsDetectOptions, generateDigitsDetect } from "./digits_detect/generate.ts";
export { type ComposeOptions } from "./digits_detect/compose.ts";

register("dataset", cocoDataset.name, cocoDataset);
register("dataset", digitsDetectDataset.name, digitsDetectDataset);
