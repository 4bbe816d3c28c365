/**
 * The dataset interface, from the core's typed registry (kind `dataset`):
 * re-exported so users of this plugin need one import.
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
export type { ClassHierarchy, DatasetPlugin, DataSource, ImageRecord } from "@quadranet/core";
