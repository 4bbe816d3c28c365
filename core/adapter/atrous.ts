/**
 * Convolutions on an explicitly aligned grid, differentiable for every
 * stride and dilation.
 *
 * tfjs has no gradient for dilated `conv2d` / `depthwiseConv2d` and refuses
 * stride > 1 together with dilation > 1, yet atrous projections need both
 * (METHOD.md §2). Dilation is done here with space-to-batch (as TensorFlow's
 * `atrous_conv2d` does), strides by subsampling, and padding is computed so
 * that a projection's window is centred on the primary layer's window and its
 * output grid equals the primary layer's.
 *
 * @example
 * ```ts
 * import { tf } from "../tf.ts";
 * import { alignedConv, planGrid } from "./atrous.ts";
 * const x = tf.ones([1, 8, 8, 2]) as tf.Tensor4D;
 * const grid = planGrid([8, 8], { strides: [1, 1], padding: "same", primaryKernel: [7, 7] }, [7, 7]);
 * const y = alignedConv(x, tf.ones([3, 3, 2, 4]), "conv", grid, [3, 3]); // [1, 8, 8, 4]
 * ```
 * @module
 */
import { tf } from "../tf.ts";

/** Where a conv reads along one spatial axis. `before`/`after` < 0 crop. */
export interface AxisPlan {
  /** Output positions. */
  out: number;
  /** Padding before the input (negative: crop). */
  before: number;
  /** Padding after the input (negative: crop). */
  after: number;
}

/** The primary layer's geometry that a projection aligns with. */
export interface PrimaryGeometry {
  /** Strides `[h, w]`. */
  strides: [number, number];
  /** The primary's padding mode. */
  padding: "same" | "valid";
  /** Effective (dilated) kernel extent `(k - 1) · d + 1` per axis. */
  primaryKernel: [number, number];
}

/** A plan per spatial axis plus the strides. */
export interface GridPlan {
  /** Along the height. */
  h: AxisPlan;
  /** Along the width. */
  w: AxisPlan;
  /** Strides `[h, w]`. */
  strides: [number, number];
}

/** Effective extent of a kernel of size `k` with dilation `d`. */
export function effectiveSize(k: number, d: number): number {
  return (k - 1) * d + 1;
}

/**
 * Plans one axis: the primary layer's output size and TensorFlow's padding
 * for it, then the padding that centres a window of extent `eff` on the
 * primary window.
 */
export function planAxis(
  n: number,
  stride: number,
  primaryEff: number,
  padding: "same" | "valid",
  eff: number,
): AxisPlan {
  let out: number;
  let padBefore = 0;
  if (padding === "same") {
    out = Math.ceil(n / stride);
    padBefore = Math.floor(Math.max((out - 1) * stride + primaryEff - n, 0) / 2);
  } else {
    out = Math.floor((n - primaryEff) / stride) + 1;
  }
  if (out < 1) {
    throw new RangeError(
      `Input extent ${n} is smaller than the kernel extent ${primaryEff} with "valid" padding`,
    );
  }
  const before = padBefore - Math.floor((primaryEff - eff) / 2);
  return { out, before, after: (out - 1) * stride + eff - n - before };
}

/** Plans both spatial axes of an input of spatial size `[h, w]`. */
export function planGrid(
  size: [number, number],
  g: PrimaryGeometry,
  eff: [number, number],
): GridPlan {
  return {
    h: planAxis(size[0], g.strides[0], g.primaryKernel[0], g.padding, eff[0]),
    w: planAxis(size[1], g.strides[1], g.primaryKernel[1], g.padding, eff[1]),
    strides: g.strides,
  };
}

/**
 * What {@link padToPlan} does per side (`[top, bottom, left, right]`): first
 * `crop` rows/columns off, then `pad` zeros on.
 */
export function planEdges(plan: GridPlan): { crop: number[]; pad: number[] } {
  const { h, w } = plan;
  const sides = [h.before, h.after, w.before, w.after];
  return { crop: sides.map((v) => Math.max(0, -v)), pad: sides.map((v) => Math.max(0, v)) };
}

/** Pads (or crops, where a plan is negative) `x` to exactly the planned extent. */
export function padToPlan(x: tf.Tensor4D, plan: GridPlan): tf.Tensor4D {
  let y = x;
  const { crop, pad } = planEdges(plan);
  if (crop.some((c) => c > 0)) {
    const [, H, W, C] = y.shape;
    y = tf.slice(y, [0, crop[0], crop[2], 0], [
      -1,
      H - crop[0] - crop[1],
      W - crop[2] - crop[3],
      C,
    ]);
  }
  if (pad.some((p) => p > 0)) {
    y = tf.pad(y, [[0, 0], [pad[0], pad[1]], [pad[2], pad[3]], [0, 0]]);
  }
  return y;
}

/** `conv` for a dense filter `[kh, kw, cin, cout]`, `depthwise` for `[kh, kw, c, m]`. */
export type ConvKind = "conv" | "depthwise";

function convValid(
  x: tf.Tensor4D,
  f: tf.Tensor4D,
  kind: ConvKind,
  strides: [number, number],
): tf.Tensor4D {
  return kind === "conv"
    ? tf.conv2d(x, f, strides, "valid")
    : tf.depthwiseConv2d(x, f, strides, "valid");
}

// Stride-1 dilated conv of an exactly sized input, via space-to-batch: the
// d_h·d_w phases become batch entries that an undilated conv reads densely.
function dilatedStride1(
  x: tf.Tensor4D,
  f: tf.Tensor4D,
  kind: ConvKind,
  d: [number, number],
  out: [number, number],
): tf.Tensor4D {
  const sb = tf.spaceToBatchND(x, d, phasePadding(x, d)) as tf.Tensor4D;
  const ys = convValid(sb, f, kind, [1, 1]); // [B·dh·dw, mh-qh+1, mw-qw+1, C]
  const cropH = d[0] * ys.shape[1] - out[0];
  const cropW = d[1] * ys.shape[2] - out[1];
  return tf.batchToSpaceND(ys, d, [[0, cropH], [0, cropW]]) as tf.Tensor4D;
}

/** The end padding that makes `x`'s spatial size a multiple of dilation `d` (for space-to-batch). */
export function phasePadding(x: tf.Tensor4D, d: [number, number]): [number, number][] {
  const [, H, W] = x.shape;
  return [[0, (d[0] - (H % d[0])) % d[0]], [0, (d[1] - (W % d[1])) % d[1]]];
}

/** The transpose of {@link padToPlan}: slices the padding off, zero-pads the cropped border back. */
export function unpadFromPlan(g: tf.Tensor4D, plan: GridPlan): tf.Tensor4D {
  const { crop, pad } = planEdges(plan);
  const [, H, W] = g.shape;
  const y = tf.slice(g, [0, pad[0], pad[2], 0], [-1, H - pad[0] - pad[1], W - pad[2] - pad[3], -1]);
  return crop.some((c) => c > 0)
    ? tf.pad(y, [[0, 0], [crop[0], crop[1]], [crop[2], crop[3]], [0, 0]])
    : y;
}

// Keeps every s-th row and column (s_h·(o_h-1)+1 → o_h), with gradients:
// pad to a multiple of s, fold the phase into its own axis, take phase 0.
function subsample(y: tf.Tensor4D, s: [number, number], out: [number, number]): tf.Tensor4D {
  const [B, H, W, C] = y.shape;
  const p = tf.pad(y, [[0, 0], [0, out[0] * s[0] - H], [0, out[1] * s[1] - W], [0, 0]]);
  const r = tf.reshape(p, [B, out[0], s[0], out[1] * s[1] * C]);
  const rows = tf.reshape(tf.slice(r, [0, 0, 0, 0], [B, out[0], 1, -1]), [
    B * out[0],
    out[1],
    s[1],
    C,
  ]);
  const cols = tf.slice(rows, [0, 0, 0, 0], [-1, out[1], 1, C]);
  return tf.reshape(cols, [B, out[0], out[1], C]);
}

/**
 * Convolves `x` with `filter` (kernel extent `k`, dilation `dilation`) on the
 * grid of `plan`: pads or crops once, then any stride and dilation.
 */
export function alignedConv(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  kind: ConvKind,
  plan: GridPlan,
  dilation: [number, number],
  padded = false,
): tf.Tensor4D {
  const xp = padded ? x : padToPlan(x, plan);
  const s = plan.strides;
  const out: [number, number] = [plan.h.out, plan.w.out];
  if (dilation[0] === 1 && dilation[1] === 1) return convValid(xp, filter, kind, s);
  const full: [number, number] = [(out[0] - 1) * s[0] + 1, (out[1] - 1) * s[1] + 1];
  const y = dilatedStride1(xp, filter, kind, dilation, full);
  return s[0] === 1 && s[1] === 1 ? y : subsample(y, s, out);
}
