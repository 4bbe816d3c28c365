/**
 * The `head` kind as the shared interface sketch defines it, declared here until the core exports
 * it (helper `arch`); the heads themselves come from `@quadranet/detection-heads`.
 * @module
 */
import type { tf } from "@quadranet/core";

/** A built detection head (and its neck). */
export interface DetectionHead {
  readonly model: tf.LayersModel;
  loss(
    outputs: tf.Tensor[],
    targets: { boxes: Float32Array; labels: Int32Array }[],
    inputSize: [number, number],
  ): tf.Scalar;
  decode(
    outputs: tf.Tensor[],
    options: {
      scoreThreshold: number;
      maxDetections: number;
      iouThreshold: number;
      inputSize: [number, number];
    },
  ): Promise<{ boxes: Float32Array; scores: Float32Array; labels: Int32Array }[]>;
}

/** The registry's `head` kind. */
export interface HeadPlugin {
  name: string;
  description: string;
  create(
    options: {
      numClasses: number;
      featureStrides: number[];
      featureChannels: number[];
      [k: string]: unknown;
    },
  ): DetectionHead;
}
