/**
 * Opening the user's dataset for an ImageNet task: the layout detected (or
 * named with `--layout`), train and val read against the same classes, the
 * per-class subsets applied; without `--data`, an explanation of what is
 * needed and which layouts are read.
 *
 * @example
 * ```ts
 * const { train, val, layout } = await openData("imagenet-1k", { data: "/data/imagenet" });
 * ```
 * @module
 */
import type { ImagenetConfig } from "./options.ts";
import { ConfigError } from "@quadranet/core";
import {
  DatasetError,
  exists,
  ilsvrc2012,
  imageFolder,
  imagenet21kP,
  imageRoot,
  listFolders,
  listImages,
  type ListSource,
  WNID,
} from "@quadranet/datasets";
import { basename, dirname, join, resolve } from "node:path";

/** What `--data` must point at, for the error shown without it. */
export function layoutsHelp(task: string): string {
  const common = [
    `${task} needs your own copy of the data: --data DIR (it cannot be downloaded here).`,
    "Accepted layouts:",
  ];
  const oneK = [
    "  ImageFolder:   DIR/train/<class>/*.JPEG and DIR/val/<class>/*.JPEG",
    "                 (class index = sorted folder names, i.e. sorted WordNet ids for ImageNet)",
    "  ILSVRC-2012:   DIR/train/<wnid>/*.JPEG and a flat DIR/val/ILSVRC2012_val_<n>.JPEG, labelled by",
    "                 DIR/LOC_val_solution.csv (Kaggle; DIR/ILSVRC/Data/CLS-LOC/ is found too) or by",
    "                 DIR/ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt",
    "                 (+ meta.mat there, optional: its class order also ships with this program)",
  ];
  const twentyOne = [
    "  ImageNet-21K-P (winter21): DIR/imagenet21k_train/<wnid>/ and DIR/imagenet21k_val/<wnid>/;",
    "                 the class hierarchy comes from WordNet 3.0 (apt-get install wordnet-base)",
  ];
  return [
    ...common,
    ...(task === "imagenet-21k-p" ? twentyOne : oneK),
    "",
    `Example: deno task train ${task} --data /data/imagenet --backbone resnet50 \\`,
    "           --weights resnet50.safetensors --per-class 50",
    "Quick check on a slice: add --quick (tiny backbone, 32 px, 1 epoch) or --per-class N.",
  ].join("\n");
}

/** The layout of `root` for `task` (when `--layout auto`). */
export async function detectLayout(task: string, root: string): Promise<string> {
  if (task === "imagenet-21k-p") return "imagenet-21k-p";
  if (await exists(join(root, "ILSVRC", "Data", "CLS-LOC"))) return "ilsvrc2012";
  const dir = await imageRoot(root);
  if (await exists(join(dir, "val"))) {
    const wnidFolders = (await listFolders(join(dir, "val"))).filter((f) => WNID.test(f));
    const flat = (await listImages(join(dir, "val"))).images.length > 0;
    if (flat && wnidFolders.length === 0) return "ilsvrc2012";
  }
  return "image-folder";
}

/**
 * Catches the usual `--data` mistakes before the plugins scan anything, with
 * what to pass instead: a `--wordnet` file that is not there, an
 * ImageNet-21K-P folder given to `imagenet-1k`, or one split's class folders
 * (`--data DIR/train`) given instead of the root that holds the splits.
 */
export async function checkRoot(
  root: string,
  layout: string,
  wordnet?: string,
): Promise<void> {
  if (layout === "imagenet-21k-p") {
    if (wordnet && !(await exists(wordnet))) {
      throw new ConfigError(
        "wordnet",
        `--wordnet ${wordnet}: no such file; pass WordNet 3.0's data.noun ` +
          "(apt-get install wordnet-base puts it at /usr/share/wordnet/data.noun)",
      );
    }
    return;
  }
  if (layout !== "image-folder" || (await exists(join(root, "train")))) return;
  if (await exists(join(root, "imagenet21k_train"))) {
    throw new DatasetError(
      root,
      `holds the ImageNet-21K-P layout (imagenet21k_train/), not ImageNet-1K's; run ` +
        `\`deno task train imagenet-21k-p --data ${root}\``,
    );
  }
  const split = basename(resolve(root));
  const folders = await listFolders(root);
  const first = folders.length ? (await listImages(join(root, folders[0]))).images : [];
  if (["train", "val"].includes(split) || first.length > 0) {
    throw new DatasetError(
      root,
      `has no train/ folder but looks like one split's <class>/<image> folders; pass the ` +
        `folder that holds train/ and val/: --data ${dirname(resolve(root))}`,
    );
  }
}

/** The opened splits. */
export interface OpenedData {
  layout: string;
  train: ListSource;
  val: ListSource;
}

/** What {@link openData} reads from the task's config (unset: the defaults). */
export type DataConfig = Partial<
  Pick<
    ImagenetConfig,
    "data" | "layout" | "labels" | "metaMat" | "wordnet" | "perClass" | "valPerClass"
  >
>;

/** Opens train and val of `config.data` for `task`. */
export async function openData(task: string, config: DataConfig): Promise<OpenedData> {
  const opened = await openSplits(task, config);
  if (opened.train.classes.length < 2) {
    throw new ConfigError(
      "data",
      `${config.data} has ${opened.train.classes.length} class; classification needs at least 2`,
    );
  }
  return opened;
}

async function openSplits(task: string, config: DataConfig): Promise<OpenedData> {
  const root = config.data;
  if (!root) throw new ConfigError("data", layoutsHelp(task));
  if (!(await exists(root))) {
    throw new ConfigError("data", `--data ${root} does not exist.\n\n${layoutsHelp(task)}`);
  }
  const layout = config.layout === "auto" || config.layout === undefined
    ? await detectLayout(task, root)
    : config.layout;
  await checkRoot(root, layout, config.wordnet);
  const perClass = config.perClass ?? 0;
  const valPerClass = config.valPerClass ?? 0;
  if (layout === "imagenet-21k-p") {
    const o = { root, wordnet: config.wordnet };
    const train = await imagenet21kP.open({ ...o, split: "train", perClass });
    const val = await imagenet21kP.open({ ...o, split: "val", perClass: valPerClass });
    return { layout, train, val };
  }
  if (layout === "ilsvrc2012") {
    const o = {
      root,
      labels: config.labels,
      metaMat: config.metaMat,
    };
    const train = await ilsvrc2012.open({ ...o, split: "train", perClass });
    const val = await ilsvrc2012.open({ ...o, split: "val", perClass: valPerClass });
    return { layout, train, val };
  }
  const train = await imageFolder.open({ root, split: "train", perClass });
  const val = await imageFolder.open({
    root,
    split: "val",
    classes: train.classes,
    perClass: valPerClass,
  });
  return { layout, train, val };
}
