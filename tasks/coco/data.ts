/**
 * The task's data: a user's COCO folder (`--data`) or the embedded digits-detect set, generated on
 * first use.
 * @module
 */
import { ConfigError } from "@quadranet/core";
import { type CocoSource, generateDigitsDetect, openCocoSplit } from "@quadranet/coco";

/** Opens the train and val splits the config names. */
export async function openData(
  config: Record<string, unknown>,
  log: (l: string) => void,
): Promise<{ name: string; train: CocoSource; val: CocoSource }> {
  const dir = config.data as string;
  if (dir) {
    try {
      const train = await openCocoSplit(dir, (config.trainSplit as string) || "train2017");
      const val = await openCocoSplit(dir, (config.valSplit as string) || "val2017");
      return { name: `coco:${dir}`, train, val };
    } catch (e) {
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
