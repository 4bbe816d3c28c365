/**
 * ILSVRC-2012 as distributed: `train/<wnid>/*.JPEG` and a flat `val/` of
 * `ILSVRC2012_val_<n>.JPEG` labelled by Kaggle's `LOC_val_solution.csv` or by
 * the devkit's `ILSVRC2012_validation_ground_truth.txt` (ILSVRC2012_IDs,
 * mapped to wnids in `meta.mat`'s order). A `val/` already sorted into
 * `<wnid>/` folders reads as ImageFolder. Kaggle's `ILSVRC/Data/CLS-LOC/`
 * nesting is found on its own. Class index = sorted wnids, as in ImageFolder.
 *
 * @example
 * ```ts
 * import { ilsvrc2012 } from "@quadranet/datasets";
 * const val = await ilsvrc2012.open({ root: "/data/ILSVRC2012", split: "val" });
 * ```
 * @module
 */
import { basename, join } from "node:path";
import { devkitWnids, readGroundTruth, readLocSolution } from "./devkit.ts";
import { DatasetError } from "./errors.ts";
import { readClassFolders } from "./image_folder.ts";
import { type LabelledPath, ListSource } from "./list_source.ts";
import { byteOrder, exists, listFolders, listImages, WNID } from "./scan.ts";

/** Options of the `ilsvrc2012` plugin. */
export interface IlsvrcOptions {
  /** The dataset's root folder. */
  root: string;
  /** The split ("train" or "val"). */
  split: string;
  /** Keep the first N images per class (0: all). */
  perClass?: number;
  /** Label file for a flat val/ (default: found under root). */
  labels?: string;
  /** The devkit's meta.mat (default: found under root, else the built-in devkit order). */
  metaMat?: string;
}

/** Where the split folders live: root, or Kaggle's ILSVRC/Data/CLS-LOC under it. */
export async function imageRoot(root: string): Promise<string> {
  const kaggle = join(root, "ILSVRC", "Data", "CLS-LOC");
  return (await exists(kaggle)) ? kaggle : root;
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) if (await exists(p)) return p;
  return undefined;
}

/** The 1000 classes: the train folders if there are any, else the devkit wnids sorted. */
async function classList(dir: string, metaMat?: string): Promise<string[]> {
  const train = join(dir, "train");
  if (await exists(train)) {
    const folders = (await listFolders(train)).filter((f) => WNID.test(f));
    if (folders.length) return folders;
  }
  return [...await devkitWnids(metaMat)].sort(byteOrder);
}

async function flatVal(o: IlsvrcOptions, dir: string, classes: string[]): Promise<ListSource> {
  const valDir = join(dir, o.split);
  const { images, ignored } = await listImages(valDir);
  const index = new Map(classes.map((c, i) => [c, i]));
  const devkit = join(o.root, "ILSVRC2012_devkit_t12", "data");
  const labels = o.labels ?? await firstExisting([
    join(o.root, "LOC_val_solution.csv"),
    join(devkit, "ILSVRC2012_validation_ground_truth.txt"),
  ]);
  if (!labels) {
    throw new DatasetError(
      valDir,
      "a flat val/ needs labels: LOC_val_solution.csv (Kaggle) in the root, or the devkit's " +
        "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt, or --labels FILE",
    );
  }
  let wnidOf: (file: string) => string | undefined;
  if (labels.endsWith(".csv")) {
    const map = await readLocSolution(labels);
    wnidOf = (f) => map.get(basename(f).replace(/\.[^.]+$/, ""));
  } else {
    const ids = await readGroundTruth(labels);
    const meta = o.metaMat ?? await firstExisting([join(devkit, "meta.mat")]);
    const order = await devkitWnids(meta);
    wnidOf = (f) => {
      const n = Number(/_(\d+)\.[^.]+$/.exec(basename(f))?.[1]);
      return n >= 1 && n <= ids.length ? order[ids[n - 1] - 1] : undefined;
    };
  }
  const items: LabelledPath[] = [];
  for (const path of images) {
    const wnid = wnidOf(path);
    if (wnid === undefined) {
      throw new DatasetError(labels, `has no label for ${basename(path)}`);
    }
    const label = index.get(wnid);
    if (label === undefined) {
      throw new DatasetError(labels, `labels ${basename(path)} as ${wnid}, not one of the classes`);
    }
    items.push({ path, label });
  }
  if (!items.length) throw new DatasetError(valDir, "no images found");
  // Class-major order, like ImageFolder, so per-class subsets and listings agree across layouts.
  items.sort((a, b) => a.label - b.label || byteOrder(a.path, b.path));
  return new ListSource(classes, items, undefined, ignored);
}

/** Dataset plugin `ilsvrc2012`. */
export const ilsvrc2012 = {
  name: "ilsvrc2012",
  description:
    "ILSVRC-2012 as distributed: train/<wnid>/, flat val/ + LOC_val_solution.csv or devkit",
  async open(o: IlsvrcOptions): Promise<ListSource> {
    const dir = await imageRoot(o.root);
    const splitDir = join(dir, o.split);
    if (!(await exists(splitDir))) {
      throw new DatasetError(o.root, `no "${o.split}" folder (looked in ${dir})`);
    }
    const classes = await classList(dir, o.metaMat);
    const folders = (await listFolders(splitDir)).filter((f) => WNID.test(f));
    const src = folders.length
      ? await readClassFolders(splitDir, classes)
      : await flatVal(o, dir, classes);
    return src.perClass(o.perClass ?? 0);
  },
};
