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

export * from "./eval/mod.ts";
export * from "./dataset/coco_source.ts";
export * from "./dataset/letterbox.ts";
export * from "./dataset/decode_letterbox.ts";
export * from "./dataset/decode_pool.ts";
export * from "./dataset/detection_batches.ts";
export * from "./dataset/coco_dataset.ts";
export * from "./digits_detect/mnist_digits.ts";
export * from "./digits_detect/compose.ts";
export * from "./digits_detect/generate.ts";

register("dataset", cocoDataset.name, cocoDataset);
register("dataset", digitsDetectDataset.name, digitsDetectDataset);
