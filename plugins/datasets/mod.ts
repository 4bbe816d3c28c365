/**
 * Dataset plugins (kind `dataset`) and the image input pipeline: ImageFolder,
 * ILSVRC-2012 as distributed (Kaggle or devkit labels), ImageNet-21K-P with
 * its WordNet hierarchy and semantic softmax; sharp decoding on worker
 * threads with a bounded prefetch queue; timm's train and eval transforms.
 *
 * @example
 * ```ts
 * import { BatchLoader, DecodePool, imageFolder } from "@quadranet/datasets";
 * const train = await imageFolder.open({ root: "/data/imagenet", split: "train", perClass: 10 });
 * const pool = new DecodePool(2);
 * const loader = new BatchLoader(train, { transform: { kind: "train", size: 224 }, pool });
 * for await (const b of loader.batches([{ indices: [0, 1, 2, 3], seed: 1 }])) console.log(b.count);
 * pool.close();
 * ```
 * @module
 */
import { register } from "@quadranet/core";
import { ilsvrc2012 } from "./ilsvrc2012.ts";
import { imageFolder } from "./image_folder.ts";
import { imagenet21kP } from "./imagenet21k.ts";
import type { DatasetPlugin } from "./types.ts";

export * from "./types.ts";
export * from "./errors.ts";
export * from "./scan.ts";
export * from "./list_source.ts";
export * from "./image_folder.ts";
export * from "./mat5.ts";
export * from "./devkit.ts";
export * from "./ilsvrc2012.ts";
export * from "./wordnet.ts";
export * from "./imagenet21k.ts";
export * from "./semantic_softmax.ts";
export * from "./head_match.ts";
export * from "./batch_stream.ts";
export * from "./pipeline/transforms.ts";
export * from "./pipeline/decode.ts";
export * from "./pipeline/pool.ts";
export * from "./pipeline/issue_log.ts";
export * from "./pipeline/loader.ts";

/** The dataset plugins this package registers. */
export const DATASET_PLUGINS: DatasetPlugin<number>[] = [imageFolder, ilsvrc2012, imagenet21kP];
for (const p of DATASET_PLUGINS) register("dataset", p.name, p);
