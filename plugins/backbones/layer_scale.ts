/**
 * `LayerScale`: a learned per-channel scale on the last axis (ConvNeXt's γ),
 * a serializable tfjs layer.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { LayerScale } from "@quadranet/backbones";
 * const x = tf.input({ shape: [8, 8, 16] });
 * const y = new LayerScale({ name: "ls", initValue: 1e-6 }).apply(x);
 * ```
 * @module
 */
import { type Shape, tf } from "@quadranet/core";

/** `y = x · γ`, γ of shape `[channels]`. */
export class LayerScale extends tf.layers.Layer {
  /** tfjs serialization name. */
  static className = "LayerScale";
  /** Initial value of every scale. */
  readonly initValue: number;
  /** Per-channel scales. */
  gamma!: tf.LayerVariable;

  /** A layer scaling each channel by a learned factor (initially `initValue`). */
  constructor(args: { name?: string; initValue?: number; trainable?: boolean }) {
    super(args);
    this.initValue = args.initValue ?? 1e-6;
  }

  /** Adds `gamma` for the last axis. */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.gamma = this.addWeight(
      "gamma",
      [shape[shape.length - 1] as number],
      "float32",
      tf.initializers.constant({ value: this.initValue }),
    );
    this.built = true;
  }

  /** `x · gamma`. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.gamma.read()));
  }

  /** Its config (`initValue`). */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValue: this.initValue };
  }
}

tf.serialization.registerClass(LayerScale);
