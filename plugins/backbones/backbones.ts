/**
 * The backbone registry, timm-like: `createBackbone(name, options)` builds a
 * `tf.LayersModel` by name, optionally with pre-trained weights from a
 * PyTorch `.safetensors` state dict or a tfjs-layers `model.json`, and each
 * backbone carries its pretrained config (input size, mean/std,
 * interpolation, crop ratio, classifier layer, default adapter targets).
 *
 * @example
 * ```ts
 * import { adapt } from "@quadranet/core";
 * import { createBackbone, backboneConfig } from "@quadranet/backbones";
 * const model = await createBackbone("resnet18", { numClasses: 10, pretrained: "resnet18.safetensors", strict: false });
 * const adapted = adapt(model, { rank: 8, targets: backboneConfig("resnet18").defaultTargets(model) });
 * ```
 * @module
 */
import {
  type BackbonePlugin,
  ConfigError,
  loadModel,
  lookup,
  type PretrainedConfig as CorePretrainedConfig,
  register,
  registered,
  tf,
} from "@quadranet/core";
import { convnext, convnextTargets } from "./convnext.ts";
import { mobilenetV2, mobilenetV2Targets } from "./mobilenetv2.ts";
import { quadranetV1 } from "./quadranet_v1.ts";
import { resnet, resnetTargets } from "./resnet.ts";
import { type LoadReport, loadTorchWeights } from "./torch_weights.ts";

/** How a backbone expects its input and where its parts are (core's `PretrainedConfig`). */
export type PretrainedConfig = CorePretrainedConfig;

/** Options of {@link createBackbone}. */
export interface BackboneOptions {
  /** Classifier outputs (default: the backbone's). */
  numClasses?: number;
  /** `[h, w, c]` input (default: the pretrained config's). */
  inputShape?: [number, number, number];
  /** A `.safetensors` PyTorch state dict or a tfjs-layers `model.json`. */
  pretrained?: string;
  /** Fail on missing/unexpected/mis-shaped keys (default) or load what fits and report. */
  strict?: boolean;
  /** Multi-scale feature maps (strides 4, 8, 16, 32) instead of logits. */
  featuresOnly?: boolean;
}

/** A registered backbone: core's `backbone` plugin interface (`BackbonePlugin`). */
export type BackboneDefinition = BackbonePlugin;

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

/** An ImageNet-style pretrained config at `size`² with crop ratio 0.875. */
function imagenetConfig(
  size: number,
  interpolation: PretrainedConfig["interpolation"],
  classifier: string,
  defaultTargets: PretrainedConfig["defaultTargets"],
): PretrainedConfig {
  return {
    inputSize: [size, size, 3],
    mean: [...IMAGENET.mean],
    std: [...IMAGENET.std],
    interpolation,
    cropRatio: 0.875,
    classifier,
    defaultTargets,
  };
}

type Build = BackboneDefinition["build"];

function def(name: string, config: PretrainedConfig, build: Build): BackboneDefinition {
  return { name, config, build };
}

function resnetDef(name: string, depth: 18 | 34 | 50, width: number, size = 224) {
  return def(
    name,
    imagenetConfig(size, "bilinear", "fc", resnetTargets),
    (o) => resnet({ depth, width, ...o }),
  );
}

function convnextDef(name: string, depths: number[], dims: number[], size = 224) {
  return def(
    name,
    imagenetConfig(size, "bicubic", "classifier_2", (m) => convnextTargets(m)),
    (o) => convnext({ depths, dims, ...o }),
  );
}

function mobilenetDef(
  name: string,
  widthMult: number,
  size = 224,
  setting?: [number, number, number, number][],
) {
  return def(
    name,
    imagenetConfig(size, "bilinear", "classifier_1", mobilenetV2Targets),
    (o) => mobilenetV2({ widthMult, setting, ...o }),
  );
}

function quadranetDef(name: string, depths: number[], dims: number[], size = 224) {
  // Already high-order: trained from scratch, not adapted; the MLPs are the natural targets.
  const mlps = (m: tf.LayersModel) =>
    m.layers.filter((l) => /_fc[12]$/.test(l.name)).map((l) => l.name);
  return def(
    name,
    imagenetConfig(size, "bicubic", "head", mlps),
    (o) => quadranetV1({ depths, dims, ...o }),
  );
}

/** The small MobileNetV2 of the test fixtures (stride 32 at 32×32). */
export const MOBILENETV2_TEST_SETTING: [number, number, number, number][] = [
  [1, 8, 1, 1],
  [6, 8, 2, 2],
  [6, 16, 1, 2],
  [6, 16, 1, 2],
  [6, 24, 1, 2],
];

/** The built-in backbones. */
export const BACKBONES: BackboneDefinition[] = [
  resnetDef("resnet18", 18, 64),
  resnetDef("resnet34", 34, 64),
  resnetDef("resnet50", 50, 64),
  convnextDef("convnext_tiny", [3, 3, 9, 3], [96, 192, 384, 768]),
  convnextDef("convnext_small", [3, 3, 27, 3], [96, 192, 384, 768]),
  convnextDef("convnext_base", [3, 3, 27, 3], [128, 256, 512, 1024]),
  mobilenetDef("mobilenetv2_100", 1),
  quadranetDef("quadranet_tiny", [2, 2, 18, 2], [64, 128, 256, 512]),
  quadranetDef("quadranet_small", [2, 3, 18, 2], [96, 192, 384, 768]),
  // Small widths for tests and CPU runs.
  resnetDef("resnet18_w8", 18, 8, 32),
  resnetDef("resnet18_w4", 18, 4, 32),
  convnextDef("convnext_micro", [1, 1, 2, 1], [16, 32, 64, 128], 32),
  convnextDef("convnext_nano_test", [1, 1, 1, 1], [8, 16, 32, 64], 32),
  mobilenetDef("mobilenetv2_test", 1, 32, MOBILENETV2_TEST_SETTING),
  quadranetDef("quadranet_test", [1, 1, 1, 1], [8, 16, 32, 64], 32),
];

for (const b of BACKBONES) register("backbone", b.name, b);

/** The pretrained config of backbone `name`. */
export function backboneConfig(name: string): PretrainedConfig {
  return lookup("backbone", name).config;
}

/** What {@link createBackbone} loaded, when `pretrained` was given. */
export const lastLoadReport: { value?: LoadReport } = {};

/** Builds backbone `name` (see {@link BackboneOptions}). */
export async function createBackbone(
  name: string,
  o: BackboneOptions = {},
): Promise<tf.LayersModel> {
  const def = lookup("backbone", name);
  const numClasses = o.numClasses ?? 1000;
  if (!(Number.isInteger(numClasses) && numClasses >= 1)) {
    throw new ConfigError("numClasses", `numClasses must be an integer >= 1, got ${numClasses}`);
  }
  const model = def.build({
    numClasses,
    inputShape: o.inputShape ?? def.config.inputSize,
    featuresOnly: o.featuresOnly ?? false,
  });
  lastLoadReport.value = undefined;
  try {
    if (o.pretrained?.endsWith(".safetensors")) {
      lastLoadReport.value = await loadTorchWeights(model, o.pretrained, {
        strict: o.strict ?? true,
      });
    } else if (o.pretrained?.endsWith(".json")) {
      const src = await loadModel(o.pretrained);
      try {
        const missing = model.layers.filter((l) =>
          l.weights.length && !src.layers.some((s) => s.name === l.name)
        )
          .map((l) => l.name);
        if (missing.length && (o.strict ?? true)) {
          throw new ConfigError(
            "pretrained",
            `${o.pretrained} lacks layers ${missing.slice(0, 10).join(", ")}`,
          );
        }
        for (const l of model.layers) {
          const s = src.layers.find((x) => x.name === l.name);
          if (s && l.weights.length) l.setWeights(s.getWeights());
        }
      } finally {
        src.dispose(); // its weights are copied (or refused)
      }
    } else if (o.pretrained) {
      throw new ConfigError(
        "pretrained",
        `pretrained must be a .safetensors or model.json path, got ${o.pretrained}`,
      );
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Names of the registered backbones. */
export function backboneNames(): string[] {
  return registered("backbone");
}
