/**
 * The `dataset` kind's interface as agreed in the shared sketch, declared here until the core's
 * typed registry (helper `arch`) exports it; then this file goes and imports point at the core.
 * @module
 */

/** One labelled item a dataset yields: encoded image bytes plus its target. */
export interface ImageRecord<Target> {
  path: string;
  bytes: Uint8Array;
  target: Target;
}

/** A random-access source of items (one split of one dataset). */
export interface DataSource<Target> {
  readonly length: number;
  /** index -> class name */
  readonly classes: readonly string[];
  /** Cheap, no image I/O: where item i lives and its target. */
  describe(index: number): { path: string; target: Target };
  read(index: number): Promise<ImageRecord<Target>>;
}

/** The registry's `dataset` kind. */
export interface DatasetPlugin<Target = unknown> {
  name: string;
  description: string;
  open(
    options: { root: string; split: string; [key: string]: unknown },
  ): Promise<DataSource<Target>>;
}
