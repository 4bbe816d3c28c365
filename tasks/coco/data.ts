/**
 * The task's data: a user's COCO folder (`--data`) or the embedded digits-detect set, generated on
 * first use.
 * @module
 */
import { ConfigError } from "@quadranet/core";
import { type CocoSource, generateDigitsDetect, openCocoSplit } from "@quadranet/coco";

/** Refuses a split that lists no image (a comparison needs images to train and evaluate on). */
function nonEmpty(dir: string, split: string, source: CocoSource, option: string, why: string) {
  if (source.length > 0) return;
  throw new ConfigError(
    option,
    `split "${split}" of ${dir} has no images (annotations/instances_${split}.json lists none): ` +
      `${why}. Give --${
        option === "trainSplit" ? "train" : "val"
      }-split NAME of a split with images`,
  );
}

/** Opens the train and val splits the config names. */
export async function openData(
  config: Record<string, unknown>,
  log: (l: string) => void,
): Promise<{ name: string; train: CocoSource; val: CocoSource }> {
  const dir = config.data as string;
  if (dir) {
    try {
      const trainSplit = (config.trainSplit as string) || "train2017";
      const valSplit = (config.valSplit as string) || "val2017";
      const train = await openCocoSplit(dir, trainSplit);
      const val = await openCocoSplit(dir, valSplit);
      nonEmpty(dir, trainSplit, train, "trainSplit", "nothing to train on");
      nonEmpty(dir, valSplit, val, "valSplit", "nothing to evaluate on");
      return { name: `coco:${dir}`, train, val };
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(
        "data",
        `${(e as Error).message} For other split names pass --train-split NAME and ` +
          "--val-split NAME (e.g. --train-split train2014 --val-split val2014).",
      );
    }
  }
  const options = {
    seed: config.seed as number,
    trainImages: config.trainImages as number,
    valImages: config.valImages as number,
    size: config.quick ? 48 : 64,
  };
  const root =
    `${config.digitsDir}-v2-${options.size}px-${options.trainImages}-${options.valImages}-s${options.seed}`;
  log(`digits-detect: ${root}`);
  await generateDigitsDetect(root, options);
  return {
    name: "digits-detect",
    train: await openCocoSplit(root, (config.trainSplit as string) || "train"),
    val: await openCocoSplit(root, (config.valSplit as string) || "val"),
  };
}
