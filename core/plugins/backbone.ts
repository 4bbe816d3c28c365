/**
 * The `backbone` plugin kind: a network factory by name with its pretrained
 * config, timm-style (`@quadranet/backbones` registers ResNet, MobileNetV2,
 * ConvNeXt, QuadraNet V1).
 *
 * @example
 * ```ts
 * import { type BackbonePlugin, lookup } from "@quadranet/core";
 * function classifierOf(name: string): string {
 *   const b: BackbonePlugin = lookup("backbone", name);
 *   return b.config.classifier;
 * }
 * ```
 * @module
 */
import type { tf } from "../tf.ts";

/** How a backbone expects its input and where its parts are. */
export interface PretrainedConfig {
  /** `[height, width, channels]`. */
  inputSize: [number, number, number];
  /** Per-channel normalisation mean. */
  mean: [number, number, number];
  /** Per-channel normalisation standard deviation. */
  std: [number, number, number];
  /** Resize interpolation of the reference preprocessing. */
  interpolation: "bilinear" | "bicubic";
  /** Centre-crop ratio of the reference evaluation. */
  cropRatio: number;
  /** The classifier layer (the head to retrain). */
  classifier: string;
  /** Layers `adapt()` targets by default. */
  defaultTargets(model: tf.LayersModel): string[];
}

/** What a backbone's `build` gets. */
export interface BackboneBuildOptions {
  /** Classifier outputs. */
  numClasses: number;
  /** `[height, width, channels]`. */
  inputShape: [number, number, number];
  /** Multi-scale feature maps (strides 4, 8, 16, 32) instead of logits. */
  featuresOnly: boolean;
}

/** A registered backbone (kind `"backbone"`). */
export interface BackbonePlugin {
  /** Registry name, e.g. `"resnet18"`. */
  name: string;
  /** Its pretrained config. */
  config: PretrainedConfig;
  /** Builds the (randomly initialised) network. */
  build(options: BackboneBuildOptions): tf.LayersModel;
}
