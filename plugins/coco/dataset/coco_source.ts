/**
 * A COCO split as a `DataSource`: `instances_*.json` plus its image folder. Category ids map to
 * contiguous class indices (ascending id) and back; crowd regions stay in the target (evaluation
 * needs them) and {@link trainingTarget} drops them; images without annotations are kept.
 *
 * @example
 * ```ts
 * import { CocoSource, readInstances } from "@quadranet/coco";
 * const src = new CocoSource(await readInstances("coco/annotations/instances_val2017.json"), "coco/val2017");
 * const { target } = src.describe(0); // boxes [x1,y1,x2,y2] in image pixels, labels 0..79
 * ```
 * @module
 */
import { join } from "node:path";
import type { CocoInstances } from "../instances.ts";
import type { DataSource, ImageRecord } from "@quadranet/core";

/** Ground truth of one image, in original image pixels. */
export interface CocoTarget {
  /** COCO image id. */
  imageId: number;
  /** Image width in pixels. */
  width: number;
  /** Image height in pixels. */
  height: number;
  /** `[x1, y1, x2, y2]` per object, crowd regions included. */
  boxes: Float32Array;
  /** Contiguous class index per object. */
  labels: Int32Array;
  /** 1 for a crowd region. */
  crowd: Uint8Array;
}

/** The boxes a detector trains on: the target without crowd regions and without empty boxes. */
export function trainingTarget(t: CocoTarget): { boxes: Float32Array; labels: Int32Array } {
  const keep: number[] = [];
  for (let i = 0; i < t.labels.length; i++) {
    if (t.crowd[i]) continue;
    if (t.boxes[4 * i + 2] <= t.boxes[4 * i] || t.boxes[4 * i + 3] <= t.boxes[4 * i + 1]) continue;
    keep.push(i);
  }
  const boxes = new Float32Array(keep.length * 4);
  keep.forEach((i, j) => boxes.set(t.boxes.subarray(4 * i, 4 * i + 4), 4 * j));
  return { boxes, labels: Int32Array.from(keep, (i) => t.labels[i]) };
}

/** One COCO split. */
export class CocoSource implements DataSource<CocoTarget> {
  /** Category names by contiguous index. */
  readonly classes: readonly string[];
  /** Category id by contiguous index (for results files). */
  readonly categoryIds: readonly number[];
  readonly #index: Map<number, number>;
  readonly #targets: CocoTarget[];

  /** A split from its parsed instances and the folder holding its images. */
  constructor(readonly instances: CocoInstances, readonly imageDir: string) {
    const cats = [...instances.categories].sort((a, b) => a.id - b.id);
    this.classes = cats.map((c) => c.name);
    this.categoryIds = cats.map((c) => c.id);
    this.#index = new Map(cats.map((c, i) => [c.id, i]));
    const byImage = new Map<number, typeof instances.annotations>();
    for (const a of instances.annotations) {
      const list = byImage.get(a.image_id);
      if (list) list.push(a);
      else byImage.set(a.image_id, [a]);
    }
    this.#targets = instances.images.map((img) => {
      const anns = byImage.get(img.id) ?? [];
      const boxes = new Float32Array(anns.length * 4);
      anns.forEach((a, i) =>
        boxes.set([a.bbox[0], a.bbox[1], a.bbox[0] + a.bbox[2], a.bbox[1] + a.bbox[3]], 4 * i)
      );
      return {
        imageId: img.id,
        width: img.width,
        height: img.height,
        boxes,
        labels: Int32Array.from(anns, (a) => this.#index.get(a.category_id)!),
        crowd: Uint8Array.from(anns, (a) => (a.iscrowd ? 1 : 0)),
      };
    });
  }

  /** Number of images. */
  get length(): number {
    return this.#targets.length;
  }

  /** Contiguous index of a category id. */
  classIndex(categoryId: number): number {
    const i = this.#index.get(categoryId);
    if (i === undefined) throw new RangeError(`category id ${categoryId} is not in this dataset`);
    return i;
  }

  /** Where image `index` lives and its ground truth (no image I/O). */
  describe(index: number): { path: string; target: CocoTarget } {
    const img = this.instances.images[index];
    if (!img) throw new RangeError(`index ${index} is outside 0..${this.length - 1}`);
    return { path: join(this.imageDir, img.file_name), target: this.#targets[index] };
  }

  /** Image `index` with its bytes; a missing file fails naming it. */
  async read(index: number): Promise<ImageRecord<CocoTarget>> {
    const { path, target } = this.describe(index);
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (e) {
      throw new Error(
        `Cannot read image ${index} (id ${target.imageId}) at ${path}: ${(e as Error).message}`,
      );
    }
    return { path, bytes, target };
  }
}
