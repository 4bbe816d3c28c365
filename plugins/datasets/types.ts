/**
 * The shared dataset interface (BRIEF.md's sketch), declared here until the
 * core's typed registry exports it; then these become re-exports.
 *
 * @example
 * ```ts
 * import type { DataSource } from "@quadranet/datasets";
 * function count(src: DataSource<number>): number {
 *   return src.length;
 * }
 * ```
 * @module
 */

/** One labelled item a dataset yields: encoded image bytes (JPEG/PNG...) plus its target. */
export interface ImageRecord<Target> {
  path: string;
  bytes: Uint8Array;
  target: Target;
}

/** A class hierarchy: `levels[l]` = class indices on level `l`; `parent[c]` = -1 at roots. */
export interface ClassHierarchy {
  levels: number[][];
  parent: number[];
}

/** A random-access source of items (one split of one dataset). */
export interface DataSource<Target> {
  readonly length: number;
  /** index -> class id (a WordNet id for ImageNet) */
  readonly classes: readonly string[];
  /** Cheap, no image I/O: where item `index` lives and its target. */
  describe(index: number): { path: string; target: Target };
  read(index: number): Promise<ImageRecord<Target>>;
  readonly hierarchy?: ClassHierarchy;
}

/** The registry's `dataset` kind. */
export interface DatasetPlugin<Target = unknown> {
  name: string;
  description: string;
  open(
    options: { root: string; split: string; [key: string]: unknown },
  ): Promise<DataSource<Target>>;
}
