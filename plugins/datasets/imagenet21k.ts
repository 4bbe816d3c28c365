/**
 * ImageNet-21K-P (winter21; Ridnik et al. 2021): `imagenet21k_train/<wnid>/`
 * and `imagenet21k_val/<wnid>/` (10,450 classes, images already resized),
 * class index = sorted wnids, with the WordNet class hierarchy attached for
 * the semantic softmax (see `wordnet.ts` for how it is built).
 *
 * @example
 * ```ts
 * import { imagenet21kP } from "@quadranet/datasets";
 * const train = await imagenet21kP.open({ root: "/data/imagenet21k_resized", split: "train" });
 * train.hierarchy!.levels.length; // 11 or so on the full dataset
 * ```
 * @module
 */
import { join } from "node:path";
import { DatasetError } from "./errors.ts";
import { readClassFolders } from "./image_folder.ts";
import { ListSource } from "./list_source.ts";
import { exists, listFolders, WNID } from "./scan.ts";
import { DEFAULT_DATA_NOUN, hierarchyFromWordNet, readHypernyms } from "./wordnet.ts";

/** Options of the `imagenet-21k-p` plugin. */
export interface Imagenet21kOptions {
  /** The dataset's root folder. */
  root: string;
  /** "train" or "val" (the folders imagenet21k_train, imagenet21k_val). */
  split: string;
  /** Keep the first N images per class (0: all). */
  perClass?: number;
  /** WordNet 3.0's data.noun (default Debian's /usr/share/wordnet/data.noun). */
  wordnet?: string;
}

/** The folder of a split: `imagenet21k_<split>`, or `<split>` itself. */
export async function splitFolder(root: string, split: string): Promise<string> {
  for (const name of [`imagenet21k_${split}`, split]) {
    if (await exists(join(root, name))) return join(root, name);
  }
  throw new DatasetError(
    root,
    `no imagenet21k_${split}/ folder; expected imagenet21k_train/<wnid>/ and imagenet21k_val/<wnid>/`,
  );
}

/** Dataset plugin `imagenet-21k-p`. */
export const imagenet21kP = {
  name: "imagenet-21k-p",
  description: "ImageNet-21K-P winter21: imagenet21k_{train,val}/<wnid>/, WordNet hierarchy",
  async open(o: Imagenet21kOptions): Promise<ListSource> {
    const trainDir = await splitFolder(o.root, "train");
    const classes = (await listFolders(trainDir)).filter((f) => WNID.test(f));
    if (!classes.length) throw new DatasetError(trainDir, "no <wnid> class folders");
    const dir = o.split === "train" ? trainDir : await splitFolder(o.root, o.split);
    const src = await readClassFolders(dir, classes);
    const h = hierarchyFromWordNet(classes, await readHypernyms(o.wordnet ?? DEFAULT_DATA_NOUN));
    if (h.unknown.length) {
      throw new DatasetError(
        dir,
        `class ids ${h.unknown.slice(0, 5).join(", ")} are not WordNet 3.0 noun synsets`,
      );
    }
    const hierarchy = { levels: h.levels, parent: h.parent };
    return new ListSource(classes, src.items, hierarchy, src.ignored).perClass(o.perClass ?? 0);
  },
};
