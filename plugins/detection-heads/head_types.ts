/**
 * The `head` plugin kind's interface, declared locally until the core's
 * typed registry (`@quadranet/core`, helper `arch`) exports the same shapes;
 * then this file goes and the imports point at the core.
 *
 * Conventions every head here follows:
 * - feature maps and outputs are NHWC;
 * - `inputSize` is `[height, width]` of the (padded) network input in pixels;
 * - boxes are `[x1, y1, x2, y2]` in input pixels, row-major in a
 *   `Float32Array` of length 4·n; labels are class indices `0..numClasses-1`.
 *
 * @example
 * ```ts
 * import type { HeadPlugin } from "./head_types.ts";
 * const describe = (p: HeadPlugin) => `${p.name}: ${p.description}`;
 * ```
 * @module
 */
import type { tf } from "@quadranet/core";

/** Ground truth of one image: boxes `[x1,y1,x2,y2]` (input pixels) and labels. */
export interface DetectionTarget {
  boxes: Float32Array;
  labels: Int32Array;
}

/** Detections of one image, best score first. */
export interface Detections {
  boxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
}

/** Post-processing settings of {@link DetectionHead.decode}. */
export interface DecodeOptions {
  /** detections scoring below this are dropped (before NMS) */
  scoreThreshold: number;
  /** at most this many detections per image (after NMS) */
  maxDetections: number;
  /** class-wise NMS IoU threshold */
  iouThreshold: number;
  /** `[height, width]` of the network input; boxes are clipped to it */
  inputSize: [number, number];
}

/** A built detection head (with its neck). */
export interface DetectionHead {
  /** trainable layers live here: inputs = the feature maps, outputs = raw maps */
  readonly model: tf.LayersModel;
  /** scalar loss from raw outputs and per-image targets */
  loss(
    outputs: tf.Tensor[],
    targets: DetectionTarget[],
    inputSize: [number, number],
  ): tf.Scalar;
  /** detections per image in input pixels; async (no dataSync: GPU-safe) */
  decode(outputs: tf.Tensor[], options: DecodeOptions): Promise<Detections[]>;
}

/** Options every head's `create` takes; heads add their own keys. */
export interface HeadOptions {
  numClasses: number;
  /** strides of the feature maps the model takes, in input order (e.g. [4, 8, 16, 32]) */
  featureStrides: number[];
  /** channels of those feature maps */
  featureChannels: number[];
  [key: string]: unknown;
}

/** The registry's `head` kind. */
export interface HeadPlugin {
  name: string;
  description: string;
  /** builds the head (and its neck) on a backbone's featuresOnly outputs */
  create(options: HeadOptions): DetectionHead;
}
