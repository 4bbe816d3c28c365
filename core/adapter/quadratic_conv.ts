/**
 * `QuadraticConv2D` and `QuadraticDepthwiseConv2D`: convolutions with an
 * atrous low-rank quadratic term (METHOD.md §2).
 *
 * - Conv2D: U, V are `[q_h, q_w, c_in, r]` atrous convs with the primary's
 *   stride, aligned to its output grid; P is `[r, c_out]` (a 1×1 conv).
 * - DepthwiseConv2D: U, V are depthwise `[q_h, q_w, c, r]` (r per channel);
 *   P is `[c, r, m]`, summing the rank per channel into the m outputs of
 *   each channel (m: the depth multiplier).
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * const base = tf.sequential({
 *   layers: [tf.layers.conv2d({ filters: 8, kernelSize: 7, padding: "same", inputShape: [16, 16, 3] })],
 * });
 * const adapted = adapt(base, { rank: 4 }); // U, V: 3×3, dilation 3
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { QuadraticLayer, type QuadraticLayerArgs } from "./quadratic_layer.ts";
import { type ConvGeometry, convGeometry, quadGeometry } from "./conv_geometry.ts";
import {
  alignedConv,
  type ConvKind,
  effectiveSize,
  type GridPlan,
  padToPlan,
  planGrid,
} from "./atrous.ts";
import { denseLastAxis } from "./quadratic_dense.ts";

type Shape = (number | null)[];

abstract class QuadraticConvBase extends QuadraticLayer {
  abstract readonly convKind: ConvKind;
  readonly geometry: ConvGeometry;
  /** U/V kernel size and dilation actually used. */
  readonly quad: { size: [number, number]; dilation: [number, number] };
  /** Input channels (known after build). */
  channels = 0;

  constructor(args: QuadraticLayerArgs) {
    super(args);
    this.geometry = convGeometry(this.name, args.base.className, this.baseConfig);
    this.quad = quadGeometry(this.geometry.extent, this.quadKernelSizeArg, this.dilationArg);
  }

  protected inChannels(inputShape: Shape | Shape[]): number {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = shape[shape.length - 1];
    if (c == null) throw new Error(`Layer "${this.name}" needs a known channel count`);
    return c;
  }

  /** The primary conv, with dilation > 1 done differentiably. */
  protected primaryConv(x: tf.Tensor4D): tf.Tensor4D {
    const g = this.geometry;
    const w = this.primaryKernel.read() as tf.Tensor4D;
    if (g.dilation[0] === 1 && g.dilation[1] === 1) {
      return this.convKind === "conv"
        ? tf.conv2d(x, w, g.strides, g.padding)
        : tf.depthwiseConv2d(x, w, g.strides, g.padding);
    }
    const plan = planGrid([x.shape[1], x.shape[2]], { ...g, primaryKernel: g.extent }, g.extent);
    return alignedConv(x, w, this.convKind, plan, g.dilation);
  }

  primary(x: tf.Tensor): tf.Tensor {
    const y = this.primaryConv(x as tf.Tensor4D);
    return this.primaryBias ? tf.add(y, this.primaryBias.read()) : y;
  }

  /** The grid plan of the U/V projections for input `x`. */
  projectionPlan(x: tf.Tensor4D): GridPlan {
    const g = this.geometry;
    const eff: [number, number] = [
      effectiveSize(this.quad.size[0], this.quad.dilation[0]),
      effectiveSize(this.quad.size[1], this.quad.dilation[1]),
    ];
    return planGrid([x.shape[1], x.shape[2]], { ...g, primaryKernel: g.extent }, eff);
  }

  projectWith(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    const x4 = x as tf.Tensor4D;
    return alignedConv(
      x4,
      w as tf.Tensor4D,
      this.convKind,
      this.projectionPlan(x4),
      this.quad.dilation,
    );
  }

  override project(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const x4 = x as tf.Tensor4D;
    const plan = this.projectionPlan(x4);
    const xp = padToPlan(x4, plan); // padded once, read by both U and V
    const u = this.quadU.read() as tf.Tensor4D;
    const v = this.quadV.read() as tf.Tensor4D;
    return [
      alignedConv(xp, u, this.convKind, plan, this.quad.dilation, true),
      alignedConv(xp, v, this.convKind, plan, this.quad.dilation, true),
    ];
  }

  protected outPixels(): number | null {
    const out = this.outputShape as Shape;
    return out[1] == null || out[2] == null ? null : out[1] * out[2];
  }
}

/** Conv2D + atrous quadratic term. */
export class QuadraticConv2D extends QuadraticConvBase {
  static className = "QuadraticConv2D";
  readonly form = "conv2d" as const;
  readonly convKind = "conv" as const;

  get filters(): number {
    return this.baseConfig.filters as number;
  }

  override build(inputShape: Shape | Shape[]): void {
    const c = this.channels = this.inChannels(inputShape);
    const [kh, kw] = this.geometry.kernelSize;
    const [qh, qw] = this.quad.size;
    this.primaryKernel = this.addPrimary("kernel", [kh, kw, c, this.filters]);
    if (this.baseConfig.useBias !== false) {
      this.primaryBias = this.addPrimary("bias", [this.filters]);
    }
    this.addAdapter([qh, qw, c, this.rank], qh * qw * c, [this.rank, this.filters], this.rank);
    this.built = true;
  }

  outProjectWith(k: tf.Tensor, p: tf.Tensor): tf.Tensor {
    return denseLastAxis(k, tf.mul(p, this.scale)); // [B, H, W, c_out]
  }

  extraFlops(): number | null {
    const px = this.outPixels();
    if (px == null) return null;
    const [qh, qw] = this.quad.size;
    const r = this.rank;
    return px *
      (2 * 2 * qh * qw * this.channels * r + (this.kernelMethod.flopsPerElement ?? 1) * r +
        2 * r * this.filters + this.filters);
  }
}

/** DepthwiseConv2D + depthwise atrous quadratic term. */
export class QuadraticDepthwiseConv2D extends QuadraticConvBase {
  static className = "QuadraticDepthwiseConv2D";
  readonly form = "depthwise" as const;
  readonly convKind = "depthwise" as const;

  get depthMultiplier(): number {
    return (this.baseConfig.depthMultiplier as number | undefined) ?? 1;
  }

  override build(inputShape: Shape | Shape[]): void {
    const c = this.channels = this.inChannels(inputShape);
    const m = this.depthMultiplier;
    const [kh, kw] = this.geometry.kernelSize;
    const [qh, qw] = this.quad.size;
    this.primaryKernel = this.addPrimary("depthwise_kernel", [kh, kw, c, m]);
    if (this.baseConfig.useBias !== false) this.primaryBias = this.addPrimary("bias", [c * m]);
    this.addAdapter([qh, qw, c, this.rank], qh * qw, [c, this.rank, m], c * this.rank);
    this.built = true;
  }

  outProjectWith(k: tf.Tensor, pw: tf.Tensor): tf.Tensor {
    const [b, h, w] = k.shape;
    const c = this.channels;
    const r = this.rank;
    const m = this.depthMultiplier;
    const p = tf.mul(pw, this.scale); // [c, r, m]
    if (m === 1) {
      const k5 = tf.reshape(k, [b, h, w, c, r]);
      return tf.sum(tf.mul(k5, tf.reshape(p, [c, r])), -1); // [B, H, W, c]
    }
    const k6 = tf.reshape(k, [b * h * w, c, r, 1]);
    const y = tf.sum(tf.mul(k6, p), 2); // [BHW, c, m]
    return tf.reshape(y, [b, h, w, c * m]);
  }

  extraFlops(): number | null {
    const px = this.outPixels();
    if (px == null) return null;
    const [qh, qw] = this.quad.size;
    const c = this.channels;
    const r = this.rank;
    const m = this.depthMultiplier;
    return px * (2 * 2 * qh * qw * c * r + (this.kernelMethod.flopsPerElement ?? 1) * c * r +
      2 * c * r * m + c * m);
  }
}

tf.serialization.registerClass(QuadraticConv2D);
tf.serialization.registerClass(QuadraticDepthwiseConv2D);
