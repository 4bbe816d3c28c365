/**
 * COCO detection for QuadraNet-TS: evaluation identical to pycocotools' box `COCOeval`, the
 * results-file format, the instances format.
 *
 * @example
 * ```ts
 * import { evaluateCoco, readInstances, readResults } from "@quadranet/coco";
 * const r = evaluateCoco(await readInstances("instances_val2017.json"), await readResults("dt.json"));
 * console.log(r.lines.join("\n"), r.named.AP);
 * ```
 * @module
 */
export * from "./instances.ts";
export * from "./eval/params.ts";
export { boxIou } from "./eval/box_iou.ts";
export * from "./eval/evaluate_image.ts";
export * from "./eval/accumulate.ts";
export * from "./eval/summarize.ts";
export * from "./eval/results_file.ts";
export * from "./eval/coco_eval.ts";
