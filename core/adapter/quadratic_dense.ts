/**
 * `QuadraticDense`: a Dense layer with a low-rank quadratic term,
 * `y = act(xW + b + s · (xU ⊙ xV) P)` with `U, V ∈ R^{d_in×r}`, `P ∈ R^{r×units}`.
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const adapted = adapt(base, { rank: 2 }); // its layer is a QuadraticDense
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { QuadraticLayer } from "./quadratic_layer.ts";

type Shape = (number | null)[];

/** Applies `x [..., d] @ w [d, n] (+ bias)` over the last axis of any rank. */
export function denseLastAxis(x: tf.Tensor, w: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2
    ? x as tf.Tensor2D
    : tf.reshape(x, [-1, x.shape[x.rank - 1]]) as tf.Tensor2D;
  const y2 = tf.fused.matMul({ a: x2, b: w as tf.Tensor2D, bias });
  return x.rank === 2 ? y2 : tf.reshape(y2, [...lead, w.shape[1] as number]);
}

/** Dense + quadratic term. */
export class QuadraticDense extends QuadraticLayer {
  static className = "QuadraticDense";
  readonly form = "dense" as const;
  private inputDim = 0;

  get units(): number {
    return this.baseConfig.units as number;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const din = shape[shape.length - 1];
    if (din == null) {
      throw new Error(`QuadraticDense "${this.name}" needs a known last input dimension`);
    }
    this.inputDim = din;
    this.primaryKernel = this.addPrimary("kernel", [din, this.units]);
    if (this.baseConfig.useBias !== false) this.primaryBias = this.addPrimary("bias", [this.units]);
    this.addAdapter([din, this.rank], din, [this.rank, this.units], this.rank);
    this.built = true;
  }

  primary(x: tf.Tensor): tf.Tensor {
    return denseLastAxis(x, this.primaryKernel.read(), this.primaryBias?.read());
  }

  projectWith(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return denseLastAxis(x, w);
  }

  outProjectWith(k: tf.Tensor, p: tf.Tensor): tf.Tensor {
    return denseLastAxis(k, tf.mul(p, this.scale));
  }

  extraFlops(): number | null {
    const out = this.outputShape as Shape;
    const positions = out.slice(1, -1).reduce<number | null>(
      (a, d) => (a == null || d == null ? null : a * d),
      1,
    );
    if (positions == null) return null;
    const r = this.rank;
    const perPosition = 2 * 2 * this.inputDim * r + (this.kernelMethod.flopsPerElement ?? 1) * r +
      2 * r * this.units + this.units;
    return positions * perPosition;
  }
}

tf.serialization.registerClass(QuadraticDense);
