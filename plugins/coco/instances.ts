/**
 * The COCO `instances_*.json` format: types, a validating parser and a reader.
 *
 * @example
 * ```ts
 * import { readInstances } from "@quadranet/coco";
 * const gt = await readInstances("annotations/instances_val2017.json");
 * console.log(gt.images.length, gt.categories.length);
 * ```
 * @module
 */

/** One image entry. */
export interface CocoImage {
  /** Unique id. */
  id: number;
  /** File name inside the split's image folder. */
  file_name: string;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** One object annotation; `bbox` is `[x, y, width, height]` in image pixels. */
export interface CocoAnnotation {
  /** Unique id. */
  id: number;
  /** The image it belongs to. */
  image_id: number;
  /** Its category. */
  category_id: number;
  /** Box `[x, y, width, height]` in image pixels. */
  bbox: [number, number, number, number];
  /** The object's area (COCO: the segmentation's area); evaluation's area ranges use it. */
  area: number;
  /** 1 marks a crowd region: never a training target, matched but ignored by evaluation. */
  iscrowd: number;
}

/** One category. */
export interface CocoCategory {
  /** Unique id. */
  id: number;
  /** Category name. */
  name: string;
  /** Parent category name. */
  supercategory?: string;
}

/** A whole instances file. */
export interface CocoInstances {
  /** All images (with or without annotations). */
  images: CocoImage[];
  /** All objects, crowd regions included. */
  annotations: CocoAnnotation[];
  /** All categories. */
  categories: CocoCategory[];
  /** Free-form dataset info. */
  info?: Record<string, unknown>;
  /** Licenses as given. */
  licenses?: unknown[];
}

/** Thrown for a malformed instances or results file; the message names the file and the entry. */
export class CocoFormatError extends Error {
  /** Error name. */
  override name = "CocoFormatError";
}

function num(v: unknown, where: string, what: string, source: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new CocoFormatError(
      `${source}: ${where} has ${what} = ${JSON.stringify(v)}; expected a finite number`,
    );
  }
  return v;
}

function list(v: unknown, key: string, source: string, required: boolean): unknown[] {
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) {
    throw new CocoFormatError(
      `${source}: "${key}" must be an array (is this a COCO instances file?)`,
    );
  }
  return v;
}

/** Reads a 4-number box `[x, y, w, h]` with non-negative width and height. */
export function parseBox(
  v: unknown,
  where: string,
  source: string,
): [number, number, number, number] {
  if (!Array.isArray(v) || v.length !== 4) {
    throw new CocoFormatError(
      `${source}: ${where} bbox must be [x, y, width, height], got ${JSON.stringify(v)}`,
    );
  }
  const b = v.map((x, i) => num(x, where, `bbox[${i}]`, source)) as [
    number,
    number,
    number,
    number,
  ];
  if (b[2] < 0 || b[3] < 0) {
    throw new CocoFormatError(
      `${source}: ${where} bbox has a negative width or height: ${JSON.stringify(v)}`,
    );
  }
  return b;
}

/**
 * Validates parsed JSON as COCO instances. Ids must be unique; every annotation must name a known
 * image and category. A missing `area` falls back to the box area and a missing `iscrowd` to 0.
 */
export function parseInstances(json: unknown, source = "instances"): CocoInstances {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new CocoFormatError(
      `${source}: expected a JSON object with images, annotations, categories`,
    );
  }
  const o = json as Record<string, unknown>;
  const imageIds = new Set<number>();
  const images = list(o.images, "images", source, true).map((raw, i) => {
    const r = raw as Record<string, unknown>;
    const where = `images[${i}]`;
    const id = num(r?.id, where, "id", source);
    if (imageIds.has(id)) throw new CocoFormatError(`${source}: ${where} repeats image id ${id}`);
    imageIds.add(id);
    if (typeof r.file_name !== "string") {
      throw new CocoFormatError(`${source}: ${where} has no file_name string`);
    }
    return {
      id,
      file_name: r.file_name,
      width: num(r.width, where, "width", source),
      height: num(r.height, where, "height", source),
    };
  });
  const catIds = new Set<number>();
  const categories = list(o.categories, "categories", source, true).map((raw, i) => {
    const r = raw as Record<string, unknown>;
    const where = `categories[${i}]`;
    const id = num(r?.id, where, "id", source);
    if (catIds.has(id)) throw new CocoFormatError(`${source}: ${where} repeats category id ${id}`);
    catIds.add(id);
    const c: CocoCategory = { id, name: typeof r.name === "string" ? r.name : String(id) };
    if (typeof r.supercategory === "string") c.supercategory = r.supercategory;
    return c;
  });
  const annIds = new Set<number>();
  const annotations = list(o.annotations, "annotations", source, false).map((raw, i) => {
    const r = raw as Record<string, unknown>;
    const where = `annotations[${i}]`;
    const id = num(r?.id, where, "id", source);
    if (annIds.has(id)) {
      throw new CocoFormatError(`${source}: ${where} repeats annotation id ${id}`);
    }
    annIds.add(id);
    const imageId = num(r.image_id, where, "image_id", source);
    if (!imageIds.has(imageId)) {
      throw new CocoFormatError(
        `${source}: ${where} names image ${imageId}, which is not in "images"`,
      );
    }
    const categoryId = num(r.category_id, where, "category_id", source);
    if (!catIds.has(categoryId)) {
      throw new CocoFormatError(
        `${source}: ${where} names category ${categoryId}, which is not in "categories"`,
      );
    }
    const bbox = parseBox(r.bbox, where, source);
    const area = r.area === undefined ? bbox[2] * bbox[3] : num(r.area, where, "area", source);
    const iscrowd = r.iscrowd === undefined ? 0 : num(r.iscrowd, where, "iscrowd", source);
    return { id, image_id: imageId, category_id: categoryId, bbox, area, iscrowd };
  });
  const out: CocoInstances = { images, annotations, categories };
  if (o.info && typeof o.info === "object") out.info = o.info as Record<string, unknown>;
  if (Array.isArray(o.licenses)) out.licenses = o.licenses;
  return out;
}

/** Reads and validates an instances file. */
export async function readInstances(path: string): Promise<CocoInstances> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new CocoFormatError(`Cannot read COCO annotations "${path}": ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CocoFormatError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseInstances(json, path);
}
