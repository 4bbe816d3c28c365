/**
 * The `dataset` plugins `"coco"` (a COCO 2017-style folder) and `"digits-detect"` (the embedded
 * set, generated on first use). Importing `@quadranet/coco` registers both.
 *
 * @example
 * ```ts
 * import { lookup } from "@quadranet/core";
 * import { cocoDataset } from "@quadranet/coco";
 * const val = await cocoDataset.open({ root: "/data/coco", split: "val2017" });
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readInstances } from "../instances.ts";
import { type DigitsDetectOptions, generateDigitsDetect } from "../digits_detect/generate.ts";
import { CocoSource, type CocoTarget } from "./coco_source.ts";
import type { DatasetPlugin } from "@quadranet/core";

/** Opens `ROOT/annotations/instances_SPLIT.json` with images in `ROOT/SPLIT/`. */
export async function openCocoSplit(root: string, split: string): Promise<CocoSource> {
  const ann = join(root, "annotations", `instances_${split}.json`);
  const images = join(root, split);
  if (!existsSync(ann)) {
    throw new Error(
      `No COCO annotations at ${ann}. Expected the COCO 2017 layout: ${root}/annotations/instances_${split}.json ` +
        `and the images in ${root}/${split}/ (e.g. split "train2017" or "val2017").`,
    );
  }
  if (!existsSync(images)) throw new Error(`No image folder ${images} for split "${split}"`);
  return new CocoSource(await readInstances(ann), images);
}

/** `"coco"`: any COCO-format folder. */
export const cocoDataset: DatasetPlugin<CocoTarget> = {
  name: "coco",
  description: "COCO-format detection: ROOT/annotations/instances_SPLIT.json + ROOT/SPLIT/ images",
  open: ({ root, split }) => openCocoSplit(root, split),
};

/** `"digits-detect"`: the embedded set; generated into `root` (with `options`) when absent. */
export const digitsDetectDataset: DatasetPlugin<CocoTarget> = {
  name: "digits-detect",
  description: "real MNIST digits pasted on canvases, COCO format, seeded (split train or val)",
  open: async ({ root, split, ...rest }) => {
    await generateDigitsDetect(root, rest as Partial<DigitsDetectOptions>);
    return openCocoSplit(root, split);
  },
};
