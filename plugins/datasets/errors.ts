/**
 * Errors of the dataset plugins: a layout that does not match, a missing
 * label file, classes that differ from the model's head.
 *
 * @example
 * ```ts
 * import { DatasetError } from "@quadranet/datasets";
 * throw new DatasetError("/data/imagenet/val", "no images; expected val/<wnid>/*.JPEG");
 * ```
 * @module
 */
import { QuadraNetError } from "@quadranet/core";

/** A dataset on disk does not have the layout or labels a plugin expects. */
export class DatasetError extends QuadraNetError {
  /** An error about the dataset at `input`. */
  constructor(readonly input: string, detail: string) {
    super(`Dataset at ${input}: ${detail}`);
    this.name = "DatasetError";
  }
}
