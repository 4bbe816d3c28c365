/**
 * `digits-detect`: a seeded generator of a small COCO-format detection set made of real MNIST
 * digits (`composeImage`), train images as JPEG and val images as PNG, written with sharp.
 *
 * Layout (as COCO 2017): `ROOT/annotations/instances_{train,val}.json`, `ROOT/{train,val}/*.{jpg,png}`,
 * plus `ROOT/digits_detect.json` with the options, so an existing set is reused only when they match.
 * Categories are ids 1..10 named "0".."9". Train and val draw from disjoint halves of the digits.
 *
 * @example
 * ```ts
 * import { generateDigitsDetect } from "@quadranet/coco";
 * const root = await generateDigitsDetect("runs/data/digits-detect", { trainImages: 200, valImages: 50 });
 * ```
 * @module
 */
import { Rng, writeJsonAtomic } from "@quadranet/core";
import sharp from "sharp";
import { join } from "node:path";
import type { CocoInstances } from "../instances.ts";
import { composeImage, type ComposeOptions } from "./compose.ts";
import { mnistDigits } from "./mnist_digits.ts";

/** Options of the generator. */
export interface DigitsDetectOptions extends ComposeOptions {
  /** Seed of everything drawn. */
  seed: number;
  /** Images in the train split. */
  trainImages: number;
  /** Images in the val split. */
  valImages: number;
}

/**
 * Defaults: 64-pixel canvases, 1–4 digits, a crowd in one image of ten; 15% of the digits tiny
 * (a 10–15-pixel square, ink about 7–11 pixels tall), the rest 15–51 pixels, log-uniform.
 */
export const DIGITS_DETECT_DEFAULTS: DigitsDetectOptions = {
  seed: 1,
  trainImages: 2000,
  valImages: 300,
  size: 64,
  minDigits: 1,
  maxDigits: 4,
  crowdRate: 0.1,
  tinyRate: 0.15,
  tinyScale: [0.16, 0.24],
  scale: [0.24, 0.8],
};

const MANIFEST = "digits_detect.json";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeSplit(
  dir: string,
  split: "train" | "val",
  count: number,
  pool: Int32Array,
  opts: DigitsDetectOptions,
): Promise<void> {
  const digits = mnistDigits();
  const rng = new Rng(opts.seed * 1009 + (split === "train" ? 1 : 2));
  await Deno.mkdir(join(dir, split), { recursive: true });
  const gt: CocoInstances = {
    info: {
      description: `digits-detect ${split}: real MNIST digits pasted on canvases`,
      seed: opts.seed,
    },
    images: [],
    annotations: [],
    categories: Array.from(
      { length: 10 },
      (_, d) => ({ id: d + 1, name: String(d), supercategory: "digit" }),
    ),
  };
  const ext = split === "train" ? "jpg" : "png";
  for (let i = 0; i < count; i++) {
    const img = composeImage(digits, pool, opts, rng);
    const fileName = `${String(i + 1).padStart(6, "0")}.${ext}`;
    const raw = sharp(img.rgb, { raw: { width: opts.size, height: opts.size, channels: 3 } });
    const bytes = split === "train"
      ? await raw.jpeg({ quality: 92 }).toBuffer()
      : await raw.png().toBuffer();
    await Deno.writeFile(join(dir, split, fileName), bytes);
    const id = i + 1;
    gt.images.push({ id, file_name: fileName, width: opts.size, height: opts.size });
    for (const o of img.objects) {
      gt.annotations.push({
        id: gt.annotations.length + 1,
        image_id: id,
        category_id: o.label + 1,
        bbox: o.bbox,
        area: o.bbox[2] * o.bbox[3],
        iscrowd: o.crowd ? 1 : 0,
      });
    }
  }
  await Deno.mkdir(join(dir, "annotations"), { recursive: true });
  await writeJsonAtomic(join(dir, "annotations", `instances_${split}.json`), gt);
}

let writes = 0; // distinct temporary folders for writes started in one millisecond

/**
 * Writes the set under `root` unless it is already there with the same options; returns `root`.
 * Writing goes to a temporary sibling folder renamed into place, so `root` is never half-written.
 */
export async function generateDigitsDetect(
  root: string,
  options: Partial<DigitsDetectOptions> = {},
): Promise<string> {
  const opts = { ...DIGITS_DETECT_DEFAULTS, ...options };
  if (opts.maxDigits < opts.minDigits || opts.minDigits < 0 || opts.size < 16) {
    throw new RangeError(
      `digits-detect: need 0 <= minDigits <= maxDigits and size >= 16, got ${JSON.stringify(opts)}`,
    );
  }
  const want = JSON.stringify(opts);
  /** Whether `root` holds the set already (throws where it holds one made otherwise). */
  const done = async () => {
    if (!(await exists(join(root, MANIFEST)))) return false;
    const have = await Deno.readTextFile(join(root, MANIFEST));
    if (JSON.stringify(JSON.parse(have)) === want) return true;
    throw new Error(
      `${root} holds a digits-detect set made with other options (${have.trim()}); ` +
        `remove the folder or choose another --data folder`,
    );
  };
  if (await done()) return root;
  const digits = mnistDigits();
  const order = new Rng(opts.seed * 7919 + 5).permutation(digits.labels.length);
  const half = Math.floor(order.length / 2);
  const tmp = `${root}.tmp-${Deno.pid}-${Date.now()}-${++writes}`;
  await Deno.mkdir(tmp, { recursive: true });
  try {
    await writeSplit(tmp, "train", opts.trainImages, order.slice(0, half), opts);
    await writeSplit(tmp, "val", opts.valImages, order.slice(half), opts);
    await Deno.writeTextFile(join(tmp, MANIFEST), want + "\n");
    await Deno.mkdir(join(root, ".."), { recursive: true });
    await Deno.rename(tmp, root);
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    // another process wrote the same set first (two runs started together): use theirs
    if (await done().catch(() => false)) return root;
    throw e;
  }
  return root;
}
