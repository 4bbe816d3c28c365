/**
 * Decoding one encoded image into a normalised NHWC float tensor's data
 * with sharp (libvips), applying a train or eval {@link Plan}. Files that
 * are not plain RGB JPEGs are converted (CMYK, grayscale, alpha, a PNG named
 * .JPEG) or skipped (zero bytes, truncated, corrupt), each with an
 * {@link Issue} that the loader counts and logs; decoding never throws.
 *
 * @example
 * ```ts
 * import { decodeImage } from "./decode.ts";
 * const bytes = await Deno.readFile("cat.jpg");
 * const r = await decodeImage(bytes, "cat.jpg", { kind: "eval", size: 224 }, 0);
 * if (r.data) console.log(r.data.length); // 224 * 224 * 3
 * ```
 * @module
 */
import sharp from "sharp";
import { normalise, planFor, type TransformSpec } from "./transforms.ts";

/** What happened to an image that was not a plain RGB file of its extension's format. */
export interface Issue {
  /** What was wrong. */
  kind: "empty" | "corrupt" | "truncated" | "cmyk" | "grayscale" | "alpha" | "disguised";
  /** What was done about it. */
  action: "converted" | "skipped";
  /** Specifics (the decoder's message, the colour space, ...). */
  detail: string;
}

/** The decoded image (null when skipped) and what was done to it. */
export interface Decoded {
  /** NHWC floats of the transformed image, or null when skipped. */
  data: Float32Array | null;
  /** What was found and done. */
  issues: Issue[];
}

/** The container format from the first bytes. */
export function sniff(bytes: Uint8Array): string {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return "png";
  }
  if (b.length >= 4 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "gif";
  if (b.length >= 12 && b[0] === 0x52 && b[8] === 0x57 && b[9] === 0x45) return "webp";
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return "bmp";
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49) || (b[0] === 0x4d && b[1] === 0x4d))) {
    return "tiff";
  }
  return "unknown";
}

function extensionFormat(path: string): string {
  const ext = path.toLowerCase().split(".").pop() ?? "";
  return ext === "jpg" || ext === "jpeg" ? "jpeg" : ext === "tif" ? "tiff" : ext;
}

function mirror(rgb: Uint8Array, size: number): void {
  for (let y = 0; y < size; y++) {
    const row = y * size * 3;
    for (let x = 0; x < size >> 1; x++) {
      const a = row + x * 3, b = row + (size - 1 - x) * 3;
      for (let c = 0; c < 3; c++) {
        const t = rgb[a + c];
        rgb[a + c] = rgb[b + c];
        rgb[b + c] = t;
      }
    }
  }
}

function failure(e: unknown): Issue {
  const msg = String((e as Error)?.message ?? e).split("\n")[0];
  const truncated = /premature end|truncat|unexpected end|short read|end of (file|stream)/i.test(
    msg,
  );
  return { kind: truncated ? "truncated" : "corrupt", action: "skipped", detail: msg };
}

/** Decodes `bytes` (from `path`, for its extension) with `spec`; augmentation seeded by `seed`. */
export async function decodeImage(
  bytes: Uint8Array,
  path: string,
  spec: TransformSpec,
  seed: number,
): Promise<Decoded> {
  if (bytes.length === 0) {
    return { data: null, issues: [{ kind: "empty", action: "skipped", detail: "zero-byte file" }] };
  }
  const issues: Issue[] = [];
  const format = sniff(bytes), expected = extensionFormat(path);
  if (format !== "unknown" && format !== expected) {
    issues.push({
      kind: "disguised",
      action: "converted",
      detail: `a ${format.toUpperCase()} file named .${
        path.split(".").pop()
      }; decoded as ${format}`,
    });
  }
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error("no image size in the header");
    if (meta.space === "cmyk") {
      issues.push({ kind: "cmyk", action: "converted", detail: "CMYK converted to sRGB" });
    } else if ((meta.channels ?? 3) < 3) {
      issues.push({
        kind: "grayscale",
        action: "converted",
        detail: "grayscale replicated to RGB",
      });
    }
    if (meta.hasAlpha) {
      issues.push({ kind: "alpha", action: "converted", detail: "alpha channel dropped" });
    }
    const plan = planFor(meta.width, meta.height, spec, seed);
    const kernel = spec.interpolation === "bicubic" ? "cubic" : "linear";
    let img = sharp(bytes, { failOn: "warning" });
    if (plan.resize) {
      img = img.resize(plan.resize.width, plan.resize.height, { fit: "fill", kernel });
    }
    img = img.extract(plan.crop);
    if (plan.crop.width !== plan.out || plan.crop.height !== plan.out) {
      img = img.resize(plan.out, plan.out, { fit: "fill", kernel });
    }
    const { data, info } = await img.removeAlpha().toColourspace("srgb").raw()
      .toBuffer({ resolveWithObject: true });
    let rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (info.channels === 1) {
      rgb = Uint8Array.from({ length: rgb.length * 3 }, (_, i) => rgb[(i / 3) | 0]);
    } else if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    if (plan.flip) mirror(rgb, plan.out);
    const out = new Float32Array(plan.out * plan.out * 3);
    return { data: normalise(rgb, out, spec.mean, spec.std), issues };
  } catch (e) {
    return { data: null, issues: [...issues, failure(e)] };
  }
}
