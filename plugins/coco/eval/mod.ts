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
export * from "../instances.ts";
export * from "./params.ts";
export { boxIou } from "./box_iou.ts";
export * from "./evaluate_image.ts";
export * from "./accumulate.ts";
export * from "./summarize.ts";
export * from "./results_file.ts";
export * from "./coco_eval.ts";
