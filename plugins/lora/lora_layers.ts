/**
 * LoRA (Hu et al. 2021) as a first-order adapter kind behind the same
 * `adapt()`: `y = lin(x) + (alpha/r) · B A x`, `A` Kaiming-uniform, `B` zero,
 * so the adapted model equals the base model at init. For a k×k conv, `A` is
 * a conv with the primary's kernel size, stride, padding and dilation and
 * `B` a 1×1 conv (as in PEFT). The layers reuse the quadratic layers'
 * machinery with one projection: `A` is `quad_u`, `B` is `quad_p`.
 *
 * @example
 * ```ts
 * import { adapt } from "@quadranet/core";
 * import "@quadranet/lora";
 * const adapted = adapt(model, { method: "lora", rank: 4 });
 * ```
 * @module
 */
import { QuadraticConv2D, QuadraticDense, type QuadraticLayerArgs, tf } from "@quadranet/core";

type Shape = (number | null)[];

/** Dense + LoRA. */
export class LoraDense extends QuadraticDense {
  static override className = "LoraDense";

  protected override get usesSecondProjection(): boolean {
    return false;
  }

  protected override adapterTerm(x: tf.Tensor): tf.Tensor {
    return this.outProject(this.projectWith(x, this.quadU.read()));
  }

  /** `W + s·A·B`. */
  mergedPrimaryWeights(): tf.Tensor[] {
    const w = tf.tidy(() =>
      tf.add(
        this.primaryKernel.read(),
        tf.mul(
          tf.matMul(this.quadU.read() as tf.Tensor2D, this.quadP.read() as tf.Tensor2D),
          this.scale,
        ),
      )
    );
    return this.primaryBias ? [w, this.primaryBias.read().clone()] : [w];
  }

  override extraFlops(): number | null {
    const out = this.outputShape as Shape;
    let positions = 1;
    for (const d of out.slice(1, -1)) {
      if (d == null) return null;
      positions *= d;
    }
    const din = this.primaryKernel.shape[0] as number;
    return positions * (2 * din * this.rank + 2 * this.rank * this.units + this.units);
  }
}

function pair(v: unknown): [number, number] {
  if (v == null) return [1, 1];
  if (typeof v === "number") return [v, v];
  const a = v as number[];
  return [a[0], a[1] ?? a[0]];
}

/** Conv2D + LoRA (A spans the primary's receptive field). */
export class LoraConv2D extends QuadraticConv2D {
  static override className = "LoraConv2D";

  constructor(args: QuadraticLayerArgs) {
    super({
      ...args,
      quadKernelSize: pair(args.base.config.kernelSize),
      dilation: pair(args.base.config.dilationRate),
    });
  }

  protected override get usesSecondProjection(): boolean {
    return false;
  }

  protected override adapterTerm(x: tf.Tensor): tf.Tensor {
    return this.outProject(this.projectWith(x, this.quadU.read()));
  }

  /** `W + s·A·B`, A's `[kh, kw, c_in, r]` contracted with B's `[r, c_out]`. */
  mergedPrimaryWeights(): tf.Tensor[] {
    const w = tf.tidy(() => {
      const k = this.primaryKernel.read();
      const [kh, kw, cin, cout] = k.shape as number[];
      const a = tf.reshape(this.quadU.read(), [kh * kw * cin, this.rank]) as tf.Tensor2D;
      const delta = tf.reshape(tf.matMul(a, this.quadP.read() as tf.Tensor2D), [kh, kw, cin, cout]);
      return tf.add(k, tf.mul(delta, this.scale));
    });
    return this.primaryBias ? [w, this.primaryBias.read().clone()] : [w];
  }

  override extraFlops(): number | null {
    const out = this.outputShape as Shape;
    if (out[1] == null || out[2] == null) return null;
    const [qh, qw] = this.quad.size;
    const r = this.rank;
    return out[1] * out[2] *
      (2 * qh * qw * this.channels * r + 2 * r * this.filters + this.filters);
  }
}

tf.serialization.registerClass(LoraDense);
tf.serialization.registerClass(LoraConv2D);
