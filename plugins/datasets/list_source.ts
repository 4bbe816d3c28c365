/**
 * A {@link DataSource} over a list of (path, label) pairs, the form every
 * layout resolves to; with a per-class subset for quick runs.
 *
 * @example
 * ```ts
 * import { ListSource } from "@quadranet/datasets";
 * const src = new ListSource(["n01", "n02"], [{ path: "/d/a.jpg", label: 0 }]);
 * const first = await src.read(0); // { path, bytes, target: 0 }
 * ```
 * @module
 */
import type { ClassHierarchy, DataSource, ImageRecord } from "./types.ts";

/** One labelled file. */
export interface LabelledPath {
  /** The image file. */
  path: string;
  /** Its class index. */
  label: number;
}

/** A data source over labelled files; `ignored` lists non-image files seen while scanning. */
export class ListSource implements DataSource<number> {
  /** A source over `items`, indexed by `classes`. */
  constructor(
    readonly classes: readonly string[],
    readonly items: readonly LabelledPath[],
    readonly hierarchy?: ClassHierarchy,
    readonly ignored: readonly string[] = [],
  ) {}

  /** Number of items. */
  get length(): number {
    return this.items.length;
  }

  /** Where item `index` lives and its class; no image I/O. */
  describe(index: number): { path: string; target: number } {
    const it = this.items[index];
    if (!it) throw new RangeError(`index ${index} outside 0..${this.items.length - 1}`);
    return { path: it.path, target: it.label };
  }

  /** Item `index` with its bytes. */
  async read(index: number): Promise<ImageRecord<number>> {
    const { path, target } = this.describe(index);
    return { path, bytes: await Deno.readFile(path), target };
  }

  /** Labels of all items, in order. */
  labels(): Int32Array {
    return Int32Array.from(this.items, (it) => it.label);
  }

  /** The first `n` items of each class (in the source's order); `n <= 0` keeps all. */
  perClass(n: number): ListSource {
    if (!(n > 0)) return this;
    const seen = new Map<number, number>();
    const kept = this.items.filter((it) => {
      const c = seen.get(it.label) ?? 0;
      seen.set(it.label, c + 1);
      return c < n;
    });
    return new ListSource(this.classes, kept, this.hierarchy, this.ignored);
  }
}
