/**
 * Backbones with PyTorch-world pre-trained weights: ResNet-18/34/50 and
 * ConvNeXt-T/S/B (plus small widths) in torchvision's layout, `.safetensors`
 * state dicts (torchvision, timm, official ConvNeXt naming; F32/F16/BF16).
 * Importing this module registers them as kind `"backbone"`.
 *
 * @example
 * ```ts
 * import { createBackbone } from "@quadranet/backbones";
 * const m = await createBackbone("convnext_tiny", { numClasses: 100, pretrained: "convnext_tiny.safetensors" });
 * ```
 * @module
 */
export {
  backboneConfig,
  type BackboneDefinition,
  backboneNames,
  type BackboneOptions,
  BACKBONES,
  createBackbone,
  lastLoadReport,
  MOBILENETV2_TEST_SETTING,
  type PretrainedConfig,
} from "./backbones.ts";
export { convnext, type ConvnextOptions, convnextTargets } from "./convnext.ts";
export { LayerScale } from "./layer_scale.ts";
export {
  makeDivisible,
  mobilenetV2,
  type MobilenetV2Options,
  mobilenetV2Targets,
} from "./mobilenetv2.ts";
export { quadranetV1, type QuadranetV1Options } from "./quadranet_v1.ts";
export type { ConvnextStyleOptions } from "./convnext_style.ts";
export { resnet, type ResnetOptions, resnetTargets } from "./resnet.ts";
export {
  checkSafetensorsFile,
  readSafetensors,
  SafetensorsError,
  type StTensor,
  writeSafetensors,
} from "./safetensors.ts";
export {
  type LoadReport,
  loadTorchWeights,
  torchPath,
  toTorchvisionKeys,
  WeightMismatchError,
} from "./torch_weights.ts";
