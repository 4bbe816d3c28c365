/**
 * The linear maps adapters are made of, per layer form: a dense map over the
 * last axis, a conv aligned with the primary conv's output grid (any kernel
 * size, stride, dilation: {@link ConvProjection}), and the output projections
 * back to the layer's channels. The quadratic method uses them for `Ux`, `Vx`
 * and `s·P k`; LoRA for `A x` and `s·B (Ax)`; the memory-efficient backprop
 * transposes them.
 *
 * @example
 * ```ts
 * import { denseLastAxis, tf } from "@quadranet/core";
 * const y = denseLastAxis(tf.ones([2, 5, 4]), tf.ones([4, 3])); // [2, 5, 3], every entry 4
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import {
  alignedConv,
  type ConvKind,
  effectiveSize,
  type GridPlan,
  padToPlan,
  planGrid,
} from "./atrous.ts";
import type { ConvGeometry } from "./conv_geometry.ts";

/** Applies `x [..., d] @ w [d, n] (+ bias)` over the last axis of any rank. */
export function denseLastAxis(x: tf.Tensor, w: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2
    ? x as tf.Tensor2D
    : tf.reshape(x, [-1, x.shape[x.rank - 1]]) as tf.Tensor2D;
  const y2 = tf.fused.matMul({ a: x2, b: w as tf.Tensor2D, bias });
  return x.rank === 2 ? y2 : tf.reshape(y2, [...lead, w.shape[1] as number]);
}

/**
 * A conv projection (kernel `size`, `dilation`) of a conv layer's input onto
 * the primary conv's output grid, window centred on the primary window.
 */
export class ConvProjection {
  /** Effective extent of the projection kernel. */
  readonly extent: [number, number];

  /**
   * @param geometry the primary conv's geometry
   * @param kind dense (`conv`) or per-channel (`depthwise`) filters
   * @param size the projection kernel size
   * @param dilation the projection dilation
   */
  /** A projection of `kind` filters of `size` and `dilation` aligned with `geometry`. */
  constructor(
    readonly geometry: ConvGeometry,
    readonly kind: ConvKind,
    readonly size: [number, number],
    readonly dilation: [number, number],
  ) {
    this.extent = [effectiveSize(size[0], dilation[0]), effectiveSize(size[1], dilation[1])];
  }

  /** The grid plan for input `x`. */
  plan(x: tf.Tensor4D): GridPlan {
    const g = this.geometry;
    return planGrid([x.shape[1], x.shape[2]], { ...g, primaryKernel: g.extent }, this.extent);
  }

  /** Projects `x` with filter `w`. */
  apply(x: tf.Tensor, w: tf.Tensor): tf.Tensor4D {
    const x4 = x as tf.Tensor4D;
    return alignedConv(x4, w as tf.Tensor4D, this.kind, this.plan(x4), this.dilation);
  }

  /** Projects `x` with each filter of `ws`, padding `x` once. */
  applyMany(x: tf.Tensor, ws: tf.Tensor[]): tf.Tensor4D[] {
    const x4 = x as tf.Tensor4D;
    const plan = this.plan(x4);
    const xp = padToPlan(x4, plan);
    return ws.map((w) => alignedConv(xp, w as tf.Tensor4D, this.kind, plan, this.dilation, true));
  }
}

/**
 * Depthwise output projection: `k [..., c·r]` and `p [c, r, m]` (already
 * scaled) → `[..., c·m]`, summing the rank per channel into its m outputs.
 */
export function depthwiseOutProject(k: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const [b, h, w] = k.shape;
  const [c, r, m] = p.shape;
  if (m === 1) {
    const k5 = tf.reshape(k, [b, h, w, c, r]);
    return tf.sum(tf.mul(k5, tf.reshape(p, [c, r])), -1); // [B, H, W, c]
  }
  const k6 = tf.reshape(k, [b * h * w, c, r, 1]);
  const y = tf.sum(tf.mul(k6, p), 2); // [BHW, c, m]
  return tf.reshape(y, [b, h, w, c * m]);
}
