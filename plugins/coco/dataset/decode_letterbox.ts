/**
 * Decodes an encoded image (JPEG, PNG, …) with sharp straight into its letterboxed, normalised
 * float RGB input `[H·W·3]`: resize (bilinear) to the planned size, flip if planned, pad right and
 * bottom with the mean colour (0 after normalisation). Imports no tfjs, so it runs in workers.
 * @module
 */
import sharp from "sharp";
import type { LetterboxPlan } from "./letterbox.ts";

/** Per-channel normalisation `(x/255 − mean) / std`. */
export interface Normalisation {
  /** Per-channel mean (of x/255). */
  mean: [number, number, number];
  /** Per-channel standard deviation. */
  std: [number, number, number];
}

/** ImageNet's mean and std (torchvision's), the default. */
export const IMAGENET_NORMALISATION: Normalisation = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/**
 * Decodes `bytes` into the letterboxed input of `plan`.
 *
 * @example
 * ```ts
 * import { decodeLetterbox } from "./decode_letterbox.ts";
 * import { planLetterbox } from "./letterbox.ts";
 * const bytes = await Deno.readFile("cat.jpg");
 * const input = await decodeLetterbox(bytes, planLetterbox(640, 480, [512, 512], false));
 * ```
 */
export async function decodeLetterbox(
  bytes: Uint8Array,
  plan: LetterboxPlan,
  norm: Normalisation = IMAGENET_NORMALISATION,
): Promise<Float32Array> {
  const [H, W] = plan.inputSize;
  let img = sharp(bytes).removeAlpha().toColourspace("srgb")
    .resize(plan.resizedWidth, plan.resizedHeight, { fit: "fill", kernel: "linear" });
  if (plan.flip) img = img.flop();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== plan.resizedWidth || info.height !== plan.resizedHeight) {
    throw new Error(
      `decoded to ${info.width}×${info.height}, planned ${plan.resizedWidth}×${plan.resizedHeight}`,
    );
  }
  const out = new Float32Array(H * W * 3); // padding: 0 = the mean colour after normalisation
  const ch = info.channels;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const s = (y * info.width + x) * ch, d = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = data[s + (ch === 1 ? 0 : c)] / 255;
        out[d + c] = (v - norm.mean[c]) / norm.std[c];
      }
    }
  }
  return out;
}
