/**
 * LoRA (Hu et al. 2021) as adapter method `"lora"`, a peer of `"quadratic"`
 * behind the same `adapt()`: `y = act(lin(x) + (alpha/r) · B A x)`, `A`
 * Kaiming-uniform, `B` zero, so the adapted model equals the base model at
 * init. For a k×k conv, `A` is a conv with the primary's kernel size, stride,
 * padding and dilation and `B` a 1×1 conv (as in PEFT). LoRA is linear in
 * `x`, so it merges: `W' = W + s·A·B`. It takes none of the quadratic
 * method's options (`kernel`, `backprop`, `quadKernelSize`, ...).
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * import { loraMethod } from "@quadranet/lora";
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const adapted = adapt(base, { method: loraMethod.name, rank: 2 });
 * ```
 * @module
 */
import {
  type AdaptedLayer,
  type AdapterDelta,
  type AdapterMethod,
  ConvProjection,
  denseLastAxis,
  kaimingBound,
  registerAdaptedLayer,
  tf,
} from "@quadranet/core";

/** The LoRA term `s · B A x` of one adapted layer. */
export class LoraDelta implements AdapterDelta {
  /** A: `[d_in, r]` or `[kh, kw, c_in, r]`. */
  a!: tf.LayerVariable;
  /** B: `[r, d_out]`. */
  b!: tf.LayerVariable;
  /** A's conv (the primary's geometry); null for Dense. */
  readonly projection: ConvProjection | null;

  /** The LoRA term of `layer`. */
  constructor(readonly layer: AdaptedLayer) {
    const g = layer.geometry;
    this.projection = g ? new ConvProjection(g, "conv", g.kernelSize, g.dilation) : null;
  }

  /** Adds A (Kaiming-uniform, seeded) and B (zeros) for `c` input channels. */
  build(c: number): void {
    const l = this.layer, r = l.rank;
    const [kh, kw] = this.projection?.size ?? [1, 1];
    const bound = kaimingBound(kh * kw * c);
    this.a = l.addAdapterWeight(
      "lora_a",
      this.projection ? [kh, kw, c, r] : [c, r],
      tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: l.seed * 2 + 1 }),
    );
    this.b = l.addAdapterWeight("lora_b", [r, l.outputChannels], tf.initializers.zeros());
  }

  /** `s · B (A x)`. */
  forward(x: tf.Tensor): tf.Tensor {
    const ax = this.projection
      ? this.projection.apply(x, this.a.read())
      : denseLastAxis(x, this.a.read());
    return denseLastAxis(ax, tf.mul(this.b.read(), this.layer.scale));
  }

  /** A and B. */
  weights(): tf.LayerVariable[] {
    return [this.a, this.b];
  }

  /** B maps A·x to the output. */
  outputWeight(): tf.LayerVariable {
    return this.b;
  }

  /** `W + s·A·B` (A's `[kh, kw, c_in, r]` contracted with B's `[r, c_out]`), and the bias. */
  merge(): tf.Tensor[] {
    const l = this.layer;
    const w = tf.tidy(() => {
      const k = l.primaryKernel.read();
      const a = tf.reshape(this.a.read(), [-1, l.rank]) as tf.Tensor2D;
      const delta = tf.reshape(tf.matMul(a, this.b.read() as tf.Tensor2D), k.shape);
      return tf.add(k, tf.mul(delta, l.scale));
    });
    return l.primaryBias ? [w, l.primaryBias.read().clone()] : [w];
  }

  /** Inference FLOPs per example of the term (null if the spatial size is unknown). */
  extraFlops(): number | null {
    const l = this.layer, r = l.rank;
    const [kh, kw] = this.projection?.size ?? [1, 1];
    return l.flopsPerExample(
      2 * kh * kw * l.inputChannels * r + 2 * r * l.outputChannels + l.outputChannels,
    );
  }

  /** Nothing besides rank and parameters. */
  summary(): Record<string, never> {
    return {};
  }

  /** No options of its own. */
  config(): tf.serialization.ConfigDict {
    return {};
  }
}

/** LoRA on Dense and Conv2D layers. */
export const loraMethod: AdapterMethod = {
  name: "lora",
  layers: { Dense: "LoraDense", Conv2D: "LoraConv2D" },
  accepts: [],
  create: (layer) => new LoraDelta(layer),
};

for (const cls of Object.values(loraMethod.layers)) registerAdaptedLayer(cls, loraMethod.name);
