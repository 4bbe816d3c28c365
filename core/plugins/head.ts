/**
 * The `head` plugin kind: a detection head (with its neck) built on a
 * backbone's `featuresOnly` outputs: a trainable model from feature maps to
 * raw output maps, a loss from raw outputs and targets, and a decoder from raw
 * outputs to detections.
 *
 * @example
 * ```ts
 * import { type HeadPlugin, lookup } from "@quadranet/core";
 * function buildHead(name: string) {
 *   const plugin: HeadPlugin = lookup("head", name);
 *   return plugin.create({ numClasses: 80, featureStrides: [8, 16, 32], featureChannels: [64, 128, 256] });
 * }
 * ```
 * @module
 */
import type { tf } from "../tf.ts";

/** Targets of one image: boxes `[x1, y1, x2, y2]` in input pixels (4 per box), labels `0..C-1`. */
export interface DetectionTarget {
  /** `4·n` box corners in input pixels. */
  boxes: Float32Array;
  /** `n` class indices. */
  labels: Int32Array;
}

/** Detections of one image, in input pixels. */
export interface Detections {
  /** `4·n` box corners `[x1, y1, x2, y2]`. */
  boxes: Float32Array;
  /** `n` scores in `[0, 1]`. */
  scores: Float32Array;
  /** `n` class indices. */
  labels: Int32Array;
}

/** Options of {@link DetectionHead.decode}. */
export interface DecodeOptions {
  /** Detections scoring below are dropped. */
  scoreThreshold: number;
  /** At most this many detections per image. */
  maxDetections: number;
  /** Non-maximum suppression overlap. */
  iouThreshold: number;
  /** `[height, width]` of the network input. */
  inputSize: [number, number];
}

/** A built detection head. */
export interface DetectionHead {
  /** Trainable layers: inputs = feature maps, outputs = raw maps. */
  readonly model: tf.LayersModel;
  /** Scalar loss from raw outputs and per-image targets. */
  loss(outputs: tf.Tensor[], targets: DetectionTarget[], inputSize: [number, number]): tf.Scalar;
  /** Detections per image in input pixels; async (GPU-safe: no dataSync). */
  decode(outputs: tf.Tensor[], options: DecodeOptions): Promise<Detections[]>;
}

/** What {@link HeadPlugin.create} gets. */
export interface HeadCreateOptions {
  /** Object classes. */
  numClasses: number;
  /** Stride of each feature map (input pixels per cell). */
  featureStrides: number[];
  /** Channels of each feature map. */
  featureChannels: number[];
  /** Head-specific options. */
  [key: string]: unknown;
}

/** The registry's `head` kind (detection heads). */
export interface HeadPlugin {
  /** Registry name. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Builds the head (and its neck) on a backbone's feature maps. */
  create(options: HeadCreateOptions): DetectionHead;
}
