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

export {
  type ClassHierarchy,
  type DatasetPlugin,
  type DataSource,
  type ImageRecord,
} from "./types.ts";
export { DatasetError } from "./errors.ts";
export { byteOrder, exists, listFolders, listImages, WNID } from "./scan.ts";
export { type LabelledPath, ListSource } from "./list_source.ts";
export { imageFolder } from "./image_folder.ts";
export { MatFileError } from "./mat5.ts";
export {
  builtinDevkitWnids,
  devkitWnids,
  metaMatWnids,
  readGroundTruth,
  readLocSolution,
} from "./devkit.ts";
export { ilsvrc2012, imageRoot } from "./ilsvrc2012.ts";
export { imagenet21kP } from "./imagenet21k.ts";
export { SemanticSoftmax } from "./semantic_softmax.ts";
export { headMismatch } from "./head_match.ts";
export { evaluateStream, ImageBatchStream, type StreamEvalOptions } from "./batch_stream.ts";
export { normalise, type TransformSpec, uniform } from "./pipeline/transforms.ts";
export { DecodePool } from "./pipeline/pool.ts";
export { IssueLog, type IssueSummary } from "./pipeline/issue_log.ts";
export { type Batch, BatchLoader, type BatchPlan, type LoaderOptions } from "./pipeline/loader.ts";
export { type Decoded, type Issue } from "./pipeline/decode.ts";
export { DEFAULT_DATA_NOUN, hierarchyFromWordNet, readHypernyms } from "./wordnet.ts";

/** The dataset plugins this package registers. */
export const DATASET_PLUGINS: DatasetPlugin<number>[] = [imageFolder, ilsvrc2012, imagenet21kP];
for (const p of DATASET_PLUGINS) register("dataset", p.name, p);
