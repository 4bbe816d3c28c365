/**
 * Directory scanning shared by the layouts: image files by extension,
 * class folders, sorted the way torchvision's ImageFolder sorts them.
 *
 * @example
 * ```ts
 * import { listImages } from "@quadranet/datasets";
 * const { images, ignored } = await listImages("/data/imagenet/val/n01440764");
 * ```
 * @module
 */
import { join } from "node:path";
import { DatasetError } from "./errors.ts";

/** File extensions read as images (torchvision's IMG_EXTENSIONS, any case). */
export const IMAGE_EXTENSIONS = [
  ".jpg",
  ".jpeg",
  ".png",
  ".ppm",
  ".bmp",
  ".pgm",
  ".tif",
  ".tiff",
  ".webp",
];

/** Whether `name` has an image extension. */
export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/** Byte-wise comparison (Python's sorted(), which torchvision uses; not locale order). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function entries(dir: string): Promise<Deno.DirEntry[]> {
  try {
    const out: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) out.push(e);
    return out;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new DatasetError(dir, "folder not found; check --data and the layout");
    }
    throw e;
  }
}

/** Image files directly in `dir` (full paths, sorted) and the other files there. */
export async function listImages(dir: string): Promise<{ images: string[]; ignored: string[] }> {
  const images: string[] = [], ignored: string[] = [];
  for (const e of await entries(dir)) {
    if (!e.isFile && !e.isSymlink) continue;
    (isImageName(e.name) ? images : ignored).push(e.name);
  }
  images.sort(byteOrder);
  return { images: images.map((n) => join(dir, n)), ignored: ignored.map((n) => join(dir, n)) };
}

/** Sub-folders of `dir` (names, sorted byte-wise). */
export async function listFolders(dir: string): Promise<string[]> {
  const out = (await entries(dir)).filter((e) => e.isDirectory).map((e) => e.name);
  return out.sort(byteOrder);
}

/** Whether `path` exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** A WordNet noun id: `n` and eight digits. */
export const WNID = /^n\d{8}$/;
