/**
 * `LayerScale`: a learned per-channel scale on the last axis (ConvNeXt's γ),
 * a serializable tfjs layer.
 *
 * @example
 * ```ts
 * const y = new LayerScale({ name: "ls", initValue: 1e-6 }).apply(x);
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

type Shape = (number | null)[];

/** `y = x · γ`, γ of shape `[channels]`. */
export class LayerScale extends tf.layers.Layer {
  static className = "LayerScale";
  readonly initValue: number;
  gamma!: tf.LayerVariable;

  constructor(args: { name?: string; initValue?: number; trainable?: boolean }) {
    super(args);
    this.initValue = args.initValue ?? 1e-6;
  }

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

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.gamma.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValue: this.initValue };
  }
}

tf.serialization.registerClass(LayerScale);
