/**
 * The `dataset` plugin kind: a named way to open one split of a labelled
 * image collection as a random-access {@link DataSource}. Items are encoded
 * image bytes (JPEG, PNG, ...) plus a target; decoding is the caller's.
 *
 * @example
 * ```ts
 * import type { DataSource, DatasetPlugin } from "@quadranet/core";
 * const files = ["a/1.png", "b/2.png"];
 * const listDataset: DatasetPlugin<number> = {
 *   name: "list",
 *   description: "two files, the class is the folder",
 *   open: ({ root }) => {
 *     const source: DataSource<number> = {
 *       length: files.length,
 *       classes: ["a", "b"],
 *       describe: (i) => ({ path: `${root}/${files[i]}`, target: i }),
 *       read: async (i) => ({
 *         path: `${root}/${files[i]}`,
 *         bytes: await Deno.readFile(`${root}/${files[i]}`),
 *         target: i,
 *       }),
 *     };
 *     return Promise.resolve(source);
 *   },
 * };
 * ```
 * @module
 */

/** One labelled item a dataset yields: encoded image bytes plus its target. */
export interface ImageRecord<Target> {
  /** Where the item was read from. */
  path: string;
  /** The encoded image (JPEG, PNG, ...). */
  bytes: Uint8Array;
  /** Its label(s): a class index, boxes, ... */
  target: Target;
}

/** A class hierarchy (ImageNet-21K-P's semantic softmax). */
export interface ClassHierarchy {
  /** `levels[l]` = the class ids on level `l`. */
  levels: number[][];
  /** `parent[c]` = the parent class of `c`, `-1` at roots. */
  parent: number[];
}

/** A random-access source of items (one split of one dataset). */
export interface DataSource<Target> {
  /** Number of items. */
  readonly length: number;
  /** Class index → class id (wnid, COCO category name, digit). */
  readonly classes: readonly string[];
  /** Where item `index` lives and its target; cheap, no image I/O. */
  describe(index: number): { path: string; target: Target };
  /** Item `index` with its bytes. */
  read(index: number): Promise<ImageRecord<Target>>;
  /** Optional class hierarchy. */
  readonly hierarchy?: ClassHierarchy;
}

/** What {@link DatasetPlugin.open} gets: a root folder, a split, dataset-specific keys. */
export interface DatasetOpenOptions {
  /** The dataset's root folder. */
  root: string;
  /** The split ("train", "val", ...). */
  split: string;
  /** Dataset-specific options. */
  [key: string]: unknown;
}

/** The registry's `dataset` kind. */
export interface DatasetPlugin<Target = unknown> {
  /** Registry name. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Opens one split; fails naming what is missing. */
  open(options: DatasetOpenOptions): Promise<DataSource<Target>>;
}
