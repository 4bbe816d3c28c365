/**
 * A detector for one arm of the comparison: the backbone's `featuresOnly` stages (as pre-trained,
 * fine-tuned in full, with LoRA, or with the quadratic adapter) under a registered detection head,
 * with the parameters the arm trains and its parameter counts.
 * @module
 */
import {
  adapt,
  ConfigError,
  forwardFlops,
  type Param,
  type ParamGroup,
  paramGroups,
  tf,
} from "@quadranet/core";
import { backboneConfig, createBackbone } from "@quadranet/backbones";
import type { DetectionHead, HeadPlugin } from "@quadranet/core";
import { headFlops } from "./head_flops.ts";
import type { ArmName } from "./settings.ts";

/** What every arm shares. */
export interface DetectorSettings {
  backbone: string;
  /** model.json or .safetensors of the pre-trained backbone. */
  weights: string;
  headPlugin: HeadPlugin;
  numClasses: number;
  inputSize: [number, number];
  headWidth: number;
  rank: number;
  /** Initial head weights, shared by all arms (null: take this head's own and return them). */
  headInit: tf.Tensor[] | null;
  /** Seed of every random initialisation: the head's kernels and the adapters' weights. */
  seed: number;
}

/** One arm's detector. */
export interface Detector {
  backbone: tf.LayersModel;
  head: DetectionHead;
  /** Whether gradients flow into the backbone (false: features computed outside the tape). */
  trainBackbone: boolean;
  /** BatchNorm mode of the backbone during training. */
  backboneTraining: boolean;
  params: Param[];
  trainable: number;
  total: number;
  /** Forward FLOPs per image (backbone, head). */
  flops: { backbone: number; head: number };
  /** The head's initial weights (for the next arm). */
  headInit: tf.Tensor[];
}

const BACKBONE_GROUPS: Record<ArmName, ParamGroup[]> = {
  frozen: [],
  full: ["primary", "norm"],
  lora: ["quadratic", "norm"],
  quadratic: ["quadratic", "norm"],
};

const count = (shape: readonly (number | null)[]) =>
  shape.reduce((a: number, b) => a * (b ?? 1), 1);

/**
 * Checks that `inputSize` divides into every feature map of `backbone`'s `featuresOnly` stages
 * (the heads need exact strides); throws a `ConfigError` naming `--input-size` and the nearest
 * sizes that work otherwise.
 */
export function checkInputSize(backbone: tf.LayersModel, inputSize: [number, number]): void {
  const [H, W] = inputSize;
  const last = backbone.outputs.reduce((
    a,
    t,
  ) => ((t.shape[1] as number) < (a.shape[1] as number) ? t : a));
  // the deepest stage's stride: the power of two nearest input / feature side
  const stride = 2 ** Math.round(Math.log2(H / (last.shape[1] as number)));
  const exact = backbone.outputs.every((t) =>
    H % (t.shape[1] as number) === 0 && W % (t.shape[2] as number) === 0 &&
    H / (t.shape[1] as number) === W / (t.shape[2] as number)
  );
  if (exact && H % stride === 0 && W % stride === 0) return;
  const down = Math.max(stride, Math.floor(H / stride) * stride);
  throw new ConfigError(
    "inputSize",
    `--input-size ${H} is not a multiple of ${stride}, the stride of the backbone's deepest ` +
      `feature map (the detection heads need exact strides); give --input-size ${down} or ${
        down + stride
      }`,
  );
}

/** Builds the detector of `arm`. */
export async function buildDetector(arm: ArmName, s: DetectorSettings): Promise<Detector> {
  const base = await createBackbone(s.backbone, {
    featuresOnly: true,
    inputShape: [s.inputSize[0], s.inputSize[1], 3],
    pretrained: s.weights || undefined,
    strict: false, // a classifier's fc weights have no place in the features-only model
  });
  try {
    checkInputSize(base, s.inputSize);
  } catch (e) {
    base.dispose();
    throw e;
  }
  let backbone = base;
  if (arm === "lora" || arm === "quadratic") {
    const targets = backboneConfig(s.backbone).defaultTargets(base);
    backbone = adapt(base, {
      rank: s.rank,
      targets,
      seed: s.seed,
      ...(arm === "lora" ? { method: "lora" } : {}),
    });
    base.dispose();
  }
  const feats = backbone.outputs;
  const strides = feats.map((t) => Math.round(s.inputSize[0] / (t.shape[1] as number)));
  const head = s.headPlugin.create({
    numClasses: s.numClasses,
    featureStrides: strides,
    featureChannels: feats.map((t) => t.shape[3] as number),
    channels: s.headWidth,
    headChannels: s.headWidth,
    seed: s.seed * 1_000 + 17, // every head kernel drawn from the run's seed
  });
  const headInit = s.headInit ?? head.model.getWeights().map((w) => w.clone());
  head.model.setWeights(headInit);
  const groups = BACKBONE_GROUPS[arm];
  const bbParams = paramGroups(backbone, { head: [] }).filter((p) => groups.includes(p.group));
  const params: Param[] = [
    ...bbParams.map((p) => ({ key: `backbone/${p.key}`, variable: p.variable, decay: p.decay })),
    ...head.model.trainableWeights.map((w, i) => ({
      key: `head/${i}:${w.originalName}`,
      variable: (w as unknown as { val: tf.Variable }).val,
      decay: w.shape.length >= 2,
    })),
  ];
  const trainable = params.reduce((a, p) => a + count(p.variable.shape), 0);
  return {
    backbone,
    head,
    trainBackbone: groups.length > 0,
    backboneTraining: groups.includes("norm"),
    params,
    trainable,
    total: backbone.countParams() + head.model.countParams(),
    flops: {
      backbone: forwardFlops(backbone),
      head: headFlops(head.model, feats.map((t) => t.shape)),
    },
    headInit,
  };
}

/** Frees the detector's models. */
export function disposeDetector(d: Detector): void {
  d.backbone.dispose();
  d.head.model.dispose();
}
