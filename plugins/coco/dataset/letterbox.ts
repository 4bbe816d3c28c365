/**
 * Letterbox geometry: an image scaled (aspect kept) to fit `[H, W]`, anchored top-left, optionally
 * flipped left-right, padded at the right and bottom; boxes follow, and predictions map back.
 * @module
 */

/** Where one image lands in the network input. */
export interface LetterboxPlan {
  /** Original image size. */
  width: number;
  /** Original image height. */
  height: number;
  /** Size of the resized image inside the input. */
  resizedWidth: number;
  /** Height of the resized image inside the input. */
  resizedHeight: number;
  /** Network input `[height, width]`. */
  inputSize: [number, number];
  /** Whether the image is flipped left-right. */
  flip: boolean;
}

/**
 * Plans a letterbox of a `width`×`height` image into `inputSize` (`[H, W]`).
 *
 * @example
 * ```ts
 * import { planLetterbox } from "./letterbox.ts";
 * planLetterbox(640, 480, [512, 512], false); // resized 512×384, padded 128 rows at the bottom
 * ```
 */
export function planLetterbox(
  width: number,
  height: number,
  inputSize: [number, number],
  flip: boolean,
): LetterboxPlan {
  if (!(width > 0 && height > 0)) {
    throw new RangeError(`image size ${width}×${height} must be positive`);
  }
  const scale = Math.min(inputSize[1] / width, inputSize[0] / height);
  return {
    width,
    height,
    resizedWidth: Math.max(1, Math.min(inputSize[1], Math.round(width * scale))),
    resizedHeight: Math.max(1, Math.min(inputSize[0], Math.round(height * scale))),
    inputSize,
    flip,
  };
}

/** Maps boxes `[x1,y1,x2,y2]` (flat) from image pixels to input pixels. */
export function boxesToInput(boxes: Float32Array, p: LetterboxPlan): Float32Array {
  const sx = p.resizedWidth / p.width, sy = p.resizedHeight / p.height;
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    let x1 = boxes[i] * sx, x2 = boxes[i + 2] * sx;
    if (p.flip) [x1, x2] = [p.resizedWidth - x2, p.resizedWidth - x1];
    out[i] = x1;
    out[i + 1] = boxes[i + 1] * sy;
    out[i + 2] = x2;
    out[i + 3] = boxes[i + 3] * sy;
  }
  return out;
}

/** Maps boxes from input pixels back to image pixels (undoing a flip), clipped to the image. */
export function boxesToImage(boxes: Float32Array, p: LetterboxPlan): Float32Array {
  const sx = p.resizedWidth / p.width, sy = p.resizedHeight / p.height;
  const out = new Float32Array(boxes.length);
  const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  for (let i = 0; i < boxes.length; i += 4) {
    let x1 = boxes[i], x2 = boxes[i + 2];
    if (p.flip) [x1, x2] = [p.resizedWidth - x2, p.resizedWidth - x1];
    out[i] = clip(x1 / sx, p.width);
    out[i + 1] = clip(boxes[i + 1] / sy, p.height);
    out[i + 2] = clip(x2 / sx, p.width);
    out[i + 3] = clip(boxes[i + 3] / sy, p.height);
  }
  return out;
}
