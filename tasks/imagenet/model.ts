/**
 * The backbone of an ImageNet run: built by name at the run's image size,
 * with `--weights` loaded (the classifier too when it fits the data's
 * classes, which is what zero-shot needs), the train/eval transforms from its
 * pretrained config, and the {@link Architecture} the comparison's
 * from-scratch arms rebuild.
 *
 * @example
 * ```ts
 * import { setupBackbone } from "./model.ts";
 * import type { ImagenetConfig } from "./options.ts";
 * declare const config: ImagenetConfig, classes: readonly string[];
 * const b = await setupBackbone(config, classes, "imagenet-1k", console.error);
 * b.zeroShot; // { ok: false, reason: "no --weights: ..." }
 * ```
 * @module
 */
import { ConfigError, lookup, type tf } from "@quadranet/core";
import {
  backboneConfig,
  createBackbone,
  lastLoadReport,
  WeightMismatchError,
} from "@quadranet/backbones";
import {
  builtinDevkitWnids,
  byteOrder,
  headMismatch,
  type TransformSpec,
} from "@quadranet/datasets";
import { reseedKernels } from "../shared/reseed.ts";
import type { Architecture } from "./arms.ts";
import type { ImagenetConfig } from "./options.ts";

/** What {@link setupBackbone} reads from the task's config. */
export type BackboneConfig = Pick<
  ImagenetConfig,
  "backbone" | "imageSize" | "seed" | "targets" | "weights"
>;

/** What a comparison needs from its backbone. */
export interface RunBackbone {
  arch: Architecture;
  /** The starting network of the arms that start from pre-trained weights. */
  pretrained: tf.LayersModel;
  zeroShot: { ok: boolean; reason?: string };
  transforms: { train: TransformSpec; eval: TransformSpec };
  /** How the weights loaded, for the report. */
  weightsNote: string;
}

/** The head's class list a checkpoint for `task` is assumed to have (sorted wnids). */
async function headClasses(task: string, classes: readonly string[]): Promise<readonly string[]> {
  if (task === "imagenet-1k") return [...await builtinDevkitWnids()].sort(byteOrder);
  return classes; // 21K-P checkpoints index the sorted winter21 wnids, as the folders do
}

/** Builds the backbone for `classes` (see {@link RunBackbone}). */
export async function setupBackbone(
  config: BackboneConfig,
  classes: readonly string[],
  task: string,
  log: (line: string) => void,
): Promise<RunBackbone> {
  const name = config.backbone;
  const def = lookup("backbone", name);
  const cfg = backboneConfig(name);
  const size = config.imageSize ?? cfg.inputSize[0];
  const inputShape: [number, number, number] = [size, size, 3];
  const numClasses = classes.length;
  const seed = config.seed;
  const arch: Architecture = {
    name,
    size,
    build: (s) => reseedKernels(def.build({ numClasses, inputShape, featuresOnly: false }), s),
    targets: (m) => config.targets ?? cfg.defaultTargets(m),
    head: [cfg.classifier],
  };
  const common = { mean: cfg.mean, std: cfg.std, interpolation: cfg.interpolation, size };
  const transforms = {
    train: { kind: "train", ...common } as TransformSpec,
    eval: { kind: "eval", cropPct: cfg.cropRatio, ...common } as TransformSpec,
  };
  const weights = config.weights;
  if (!weights) {
    log(`note: no --weights; every arm starts from a randomly initialised ${name} (seed ${seed})`);
    return {
      arch,
      pretrained: arch.build(seed),
      zeroShot: { ok: false, reason: "no --weights given" },
      transforms,
      weightsNote: "none (random initialisation)",
    };
  }
  const mismatch = headMismatch(classes, await headClasses(task, classes));
  if (mismatch === null) {
    try {
      const model = await createBackbone(name, { numClasses, inputShape, pretrained: weights });
      return {
        arch,
        pretrained: model,
        zeroShot: { ok: true },
        transforms,
        weightsNote: `${weights} (all layers, ${lastLoadReport.value?.naming} naming)`,
      };
    } catch (e) {
      if (!(e instanceof WeightMismatchError)) throw e;
      log(
        `note: ${weights} does not load in full (${
          e.message.split("\n")[0]
        }); retrying without its head`,
      );
    }
  }
  const model = await createBackbone(name, {
    numClasses,
    inputShape,
    pretrained: weights,
    strict: false,
  });
  const r = lastLoadReport.value!;
  const headKeys = new RegExp(`^${cfg.classifier.replace(/_/g, ".")}\\.`);
  const bodyMissing = [...r.missing, ...r.mismatched].filter((k) => !headKeys.test(k));
  if (bodyMissing.length) {
    throw new ConfigError(
      "weights",
      `${weights} does not fit ${name}: ${
        bodyMissing.slice(0, 5).join(", ")
      } missing or mis-shaped`,
    );
  }
  const reason = mismatch
    ? `zero-shot needs the classes of the checkpoint's head: ${mismatch}`
    : "the checkpoint's head does not fit the data's classes";
  log(`note: zero-shot skipped: ${reason}; the head is initialised afresh`);
  return {
    arch,
    pretrained: model,
    zeroShot: { ok: false, reason },
    transforms,
    weightsNote: `${weights} (body; new ${numClasses}-class head)`,
  };
}
