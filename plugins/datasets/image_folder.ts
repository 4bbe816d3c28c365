/**
 * The ImageFolder layout (torchvision/timm): `<root>/<split>/<class>/<image>`,
 * class index = position in the sorted folder names (WordNet ids for
 * ImageNet). Another split can be read against the first one's class list so
 * a val folder with a class missing keeps the same indices.
 *
 * @example
 * ```ts
 * import { imageFolder } from "@quadranet/datasets";
 * const train = await imageFolder.open({ root: "/data/imagenet", split: "train" });
 * const val = await imageFolder.open({ root: "/data/imagenet", split: "val", classes: train.classes });
 * ```
 * @module
 */
import { join } from "node:path";
import { DatasetError } from "./errors.ts";
import { type LabelledPath, ListSource } from "./list_source.ts";
import { exists, listFolders, listImages } from "./scan.ts";

/** Reads `dir/<class>/<image>` with class index from `classes` (default: the sorted folders). */
export async function readClassFolders(
  dir: string,
  classes?: readonly string[],
): Promise<ListSource> {
  const folders = await listFolders(dir);
  const names = classes ?? folders;
  const index = new Map(names.map((c, i) => [c, i]));
  const extra = folders.filter((f) => !index.has(f));
  if (extra.length) {
    throw new DatasetError(
      dir,
      `class folders ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ", …" : ""} are not ` +
        `among the ${names.length} classes of the training split; both splits must use the same ` +
        "class ids (folder names)",
    );
  }
  const items: LabelledPath[] = [];
  const ignored: string[] = [];
  for (const f of folders) {
    const found = await listImages(join(dir, f));
    ignored.push(...found.ignored);
    for (const path of found.images) items.push({ path, label: index.get(f)! });
  }
  if (items.length === 0) {
    throw new DatasetError(dir, "no images found; expected <class>/<image>.JPEG folders");
  }
  return new ListSource(names, items, undefined, ignored);
}

/** Options the ImageFolder plugin reads. */
export interface FolderOptions {
  /** The dataset's root folder. */
  root: string;
  /** The split (a sub-folder of `root`). */
  split: string;
  /** The class list to index by (e.g. the training split's). */
  classes?: readonly string[];
  /** Keep the first N images of each class (0: all). */
  perClass?: number;
}

/** Dataset plugin `image-folder`. */
export const imageFolder = {
  name: "image-folder",
  description: "<root>/<split>/<class>/<image>; class index = sorted class folder names",
  async open(o: FolderOptions): Promise<ListSource> {
    const dir = join(o.root, o.split);
    if (!(await exists(dir))) {
      throw new DatasetError(o.root, `no "${o.split}" folder; expected ${o.split}/<class>/<image>`);
    }
    return (await readClassFolders(dir, o.classes)).perClass(o.perClass ?? 0);
  },
};
