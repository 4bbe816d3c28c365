/**
 * The COCO results-file format, `[{image_id, category_id, bbox: [x, y, w, h], score}]`, as read by
 * pycocotools' `loadRes`, mmdetection and detectron2: a validating reader, an atomic writer, and
 * the conversion from a detector's per-image boxes.
 * @module
 */
import { writeFileAtomic } from "@quadranet/core";
import { CocoFormatError, parseBox } from "../instances.ts";

/** One detection in a results file; `bbox` in original image pixels. */
export interface CocoResult {
  /** Image id of the ground truth. */
  image_id: number;
  /** Category id of the ground truth. */
  category_id: number;
  /** Box `[x, y, width, height]` in image pixels. */
  bbox: [number, number, number, number];
  /** Confidence. */
  score: number;
}

/** Validates parsed JSON as a results list. */
export function parseResults(json: unknown, source = "results"): CocoResult[] {
  if (!Array.isArray(json)) {
    throw new CocoFormatError(
      `${source}: a results file is a JSON array of {image_id, category_id, bbox, score}`,
    );
  }
  return json.map((raw, i) => {
    const r = raw as Record<string, unknown>;
    const where = `[${i}]`;
    for (const key of ["image_id", "category_id", "score"]) {
      if (typeof r?.[key] !== "number" || !Number.isFinite(r[key])) {
        throw new CocoFormatError(
          `${source}: ${where} needs a finite number "${key}", got ${JSON.stringify(r?.[key])}`,
        );
      }
    }
    return {
      image_id: r.image_id as number,
      category_id: r.category_id as number,
      bbox: parseBox(r.bbox, where, source),
      score: r.score as number,
    };
  });
}

/** Reads and validates a results file. */
export async function readResults(path: string): Promise<CocoResult[]> {
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new CocoFormatError(`Cannot read COCO results "${path}": ${(e as Error).message}`);
  }
  return parseResults(json, path);
}

/** Writes a results file atomically (one detection per line, so large files diff and stream). */
export async function writeResults(path: string, results: readonly CocoResult[]): Promise<void> {
  const body = results.map((r) => JSON.stringify(r)).join(",\n");
  await writeFileAtomic(path, results.length ? `[\n${body}\n]\n` : "[]\n");
}

/** A detector's output for one image: boxes `[x1, y1, x2, y2]` (flat), scores, contiguous labels. */
export interface ImageDetections {
  /** `[x1, y1, x2, y2]` per detection, image pixels. */
  boxes: Float32Array | number[];
  /** Score per detection. */
  scores: Float32Array | number[];
  /** Contiguous class index per detection. */
  labels: Int32Array | number[];
}

/**
 * Converts one image's detections to results entries: labels (contiguous indices) to category ids,
 * corners to `[x, y, w, h]`, boxes clipped to the image and rounded to 1/100 pixel.
 *
 * @example
 * ```ts
 * import { detectionsToResults } from "@quadranet/coco";
 * detectionsToResults(7, { boxes: [1, 2, 11, 22], scores: [0.9], labels: [0] }, [3], [640, 480]);
 * // [{ image_id: 7, category_id: 3, bbox: [1, 2, 10, 20], score: 0.9 }]
 * ```
 */
export function detectionsToResults(
  imageId: number,
  det: ImageDetections,
  categoryIds: readonly number[],
  imageSize: [number, number],
): CocoResult[] {
  const [w, h] = imageSize;
  const out: CocoResult[] = [];
  const r2 = (v: number) => Math.round(v * 100) / 100;
  for (let i = 0; i < det.scores.length; i++) {
    const label = det.labels[i];
    const cat = categoryIds[label];
    if (cat === undefined) {
      throw new RangeError(
        `detection ${i} of image ${imageId} has label ${label}; there are ${categoryIds.length} classes`,
      );
    }
    const x1 = r2(Math.min(Math.max(det.boxes[4 * i], 0), w));
    const y1 = r2(Math.min(Math.max(det.boxes[4 * i + 1], 0), h));
    const x2 = r2(Math.min(Math.max(det.boxes[4 * i + 2], 0), w));
    const y2 = r2(Math.min(Math.max(det.boxes[4 * i + 3], 0), h));
    out.push({
      image_id: imageId,
      category_id: cat,
      bbox: [x1, y1, r2(Math.max(0, x2 - x1)), r2(Math.max(0, y2 - y1))],
      score: Number(det.scores[i]),
    });
  }
  return out;
}
