/**
 * `GroupNorm`: group normalization (Wu & He, 2018) on NHWC tensors, a
 * serializable tfjs layer (tfjs-layers has none). Channels are split into
 * `groups` contiguous groups; each group of each example is normalised over
 * its spatial positions and channels, then scaled and shifted per channel.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { GroupNorm } from "./group_norm.ts";
 * const y = new GroupNorm({ groups: 8 }).apply(tf.randomNormal([2, 4, 4, 16])) as tf.Tensor;
 * ```
 * @module
 */
import { type Shape, tf } from "@quadranet/core";

/** Options of {@link GroupNorm}. */
export interface GroupNormArgs {
  /** number of groups; must divide the channel count */
  groups: number;
  /** added to the variance (1e-5 as in PyTorch) */
  epsilon?: number;
  /** Layer name. */
  name?: string;
  /** Whether gamma and beta train. */
  trainable?: boolean;
}

/** The largest divisor of `channels` not above `max` (32: the GroupNorm paper's default). */
export function defaultGroups(channels: number, max = 32): number {
  for (let g = Math.min(max, channels); g > 1; g--) if (channels % g === 0) return g;
  return 1;
}

/** `y = γ · (x − μ_g) / sqrt(σ²_g + ε) + β`, statistics per example and group. */
export class GroupNorm extends tf.layers.Layer {
  /** tfjs serialization name. */
  static className = "GroupNorm";
  /** Number of groups. */
  readonly groups: number;
  /** Added to the variance. */
  readonly epsilon: number;
  /** Per-channel scale. */
  gamma!: tf.LayerVariable;
  /** Per-channel shift. */
  beta!: tf.LayerVariable;

  /** A GroupNorm layer (groups must divide the channels). */
  constructor(args: GroupNormArgs) {
    super(args);
    if (!Number.isInteger(args.groups) || args.groups < 1) {
      throw new RangeError(`GroupNorm: groups must be a positive integer; got ${args.groups}`);
    }
    this.groups = args.groups;
    this.epsilon = args.epsilon ?? 1e-5;
  }

  /** Adds gamma (ones) and beta (zeros) for the channels. */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[shape.length - 1];
    if (shape.length !== 4 || channels == null) {
      throw new RangeError(
        `GroupNorm "${this.name}": expects NHWC input with known channels; got [${shape}]`,
      );
    }
    if (channels % this.groups !== 0) {
      throw new RangeError(
        `GroupNorm "${this.name}": ${this.groups} groups do not divide ${channels} channels; ` +
          `choose groups among the divisors of ${channels}`,
      );
    }
    this.gamma = this.addWeight("gamma", [channels], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [channels], "float32", tf.initializers.zeros());
    this.built = true;
  }

  /** Normalises per example and group, then scales and shifts. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [b, h, w, c] = x.shape;
      // Per-channel spatial means, averaged within each group by a block matrix:
      // two reductions and small matmuls instead of 5-D broadcasts, which tfjs'
      // cpu backend runs element by element.
      const flat = tf.reshape(x, [b, h * w, c]);
      const avg = this.groupAverage(c);
      const mean = tf.matMul(tf.mean(flat, 1), avg); // [B, C]: μ of each channel's group
      const meanSq = tf.matMul(tf.mean(tf.square(flat), 1), avg); // [B, C]
      const variance = tf.relu(tf.sub(meanSq, tf.square(mean))); // ≥ 0 despite rounding
      const scale = tf.div(this.gamma.read(), tf.sqrt(tf.add(variance, this.epsilon))); // [B, C]
      const shift = tf.sub(this.beta.read(), tf.mul(mean, scale));
      return tf.add(tf.mul(x, tf.reshape(scale, [b, 1, 1, c])), tf.reshape(shift, [b, 1, 1, c]));
    });
  }

  /** `[C, C]` matrix averaging the channels of each group. */
  private groupAverage(c: number): tf.Tensor2D {
    const size = c / this.groups;
    const m = new Float32Array(c * c);
    for (let i = 0; i < c; i++) {
      const g0 = Math.floor(i / size) * size;
      for (let j = g0; j < g0 + size; j++) m[i * c + j] = 1 / size;
    }
    return tf.tensor2d(m, [c, c]);
  }

  /** The input shape. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /** Its config (groups, epsilon). */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(GroupNorm);
