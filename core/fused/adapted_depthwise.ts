/**
 * An adapted DepthwiseConv2D as one op (the ConvNeXt-style mixers):
 *
 *     y = dw(x, W) + bias + s · Σ_t P[c, t, j] · (Ux)[c, t] · (Vx)[c, t]
 *
 * with W `[kh, kw, c, m]` the primary depthwise filter, U, V `[qh, qw, c, r]`
 * depthwise projections (r per channel) reading a window of their own
 * dilation centred on the primary's (the aligned atrous geometry of
 * `ConvProjection`), and P `[c, r, m]`. Where the backend has the kernels it
 * is one forward kernel and one backward kernel (dx, dW, dU, dV, dP, dbias in
 * one pass): under `autodiff` the forward keeps `[Ux | Vx]` for the backward
 * pass, under `recompute` (`settings.recompute`) it keeps only x and the
 * weights and the backward kernel recomputes Ux, Vx per output pixel. No
 * `[B, H, W, c·r]` tensor exists outside the kernels. Elsewhere a composite of
 * ordinary tfjs ops (depthwise convs, the aligned atrous projection,
 * `depthwiseOutProject`) runs, with tfjs' gradients.
 *
 * @example
 * ```ts
 * import { adaptedDepthwiseConv2d, tf } from "@quadranet/core";
 * const x = tf.ones([1, 5, 5, 2]);
 * const y = adaptedDepthwiseConv2d(x, tf.ones([3, 3, 2, 1]), tf.ones([3, 3, 2, 2]),
 *   tf.ones([3, 3, 2, 2]), tf.zeros([2, 2, 1]), { scale: 1, strides: [1, 1], pad: "same" });
 * // = depthwiseConv2d(x, W) as P = 0: 9 at interior pixels
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import type { ConvGeometry } from "../adapter/conv_geometry.ts";
import { alignedConv, effectiveSize, planGrid } from "../adapter/atrous.ts";
import { ConvProjection, depthwiseOutProject } from "../adapter/projections.ts";
import { FUSED, fusedKernelAvailable, recordingGradients, runFused } from "./fused_ops.ts";

/** Geometry, scale and backprop mode of {@link adaptedDepthwiseConv2d}. */
export interface AdaptedDepthwiseSettings {
  /** The quadratic term's scale s = alpha / rank. */
  scale: number;
  /** The primary depthwise conv's strides. */
  strides: [number, number];
  /** The primary's padding. */
  pad: "same" | "valid";
  /** The primary's dilation (default 1). */
  dilations?: [number, number];
  /** U and V's dilation (default 1); their window is centred on the primary's. */
  uvDilations?: [number, number];
  /** Keep only x and the weights for the backward pass; recompute `Ux`, `Vx` there. */
  recompute?: boolean;
}

/** The kernels' attributes (plain numbers and strings). */
interface Attrs {
  scale: number;
  strides: [number, number];
  pad: "same" | "valid";
  dilations: [number, number];
  uvDilations: [number, number];
}

function attrsOf(s: AdaptedDepthwiseSettings): Attrs {
  return {
    scale: s.scale,
    strides: s.strides,
    pad: s.pad,
    dilations: s.dilations ?? [1, 1],
    uvDilations: s.uvDilations ?? [1, 1],
  };
}

function checkShapes(x: tf.Tensor, w: tf.Tensor, u: tf.Tensor, v: tf.Tensor, p: tf.Tensor) {
  const c = x.shape[3];
  const ok = x.rank === 4 && w.rank === 4 && u.rank === 4 && p.rank === 3 &&
    w.shape[2] === c && u.shape[2] === c && u.shape.every((d, i) => d === v.shape[i]) &&
    p.shape[0] === c && p.shape[1] === u.shape[3] && p.shape[2] === w.shape[3];
  if (!ok) {
    throw new Error(
      `adaptedDepthwiseConv2d: expected x [B, H, W, c], W [kh, kw, c, m], U and V ` +
        `[qh, qw, c, r], P [c, r, m]; got x [${x.shape}], W [${w.shape}], U [${u.shape}], ` +
        `V [${v.shape}], P [${p.shape}]`,
    );
  }
}

/** The composite of ordinary tfjs ops (every backend; tfjs' own gradients). */
function composite(
  x: tf.Tensor,
  w: tf.Tensor,
  u: tf.Tensor,
  v: tf.Tensor,
  p: tf.Tensor,
  a: Attrs,
  bias?: tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const x4 = x as tf.Tensor4D, w4 = w as tf.Tensor4D;
    const [kh, kw] = w.shape;
    const extent: [number, number] = [
      effectiveSize(kh, a.dilations[0]),
      effectiveSize(kw, a.dilations[1]),
    ];
    const geometry: ConvGeometry = {
      kernelSize: [kh, kw],
      strides: a.strides,
      dilation: a.dilations,
      padding: a.pad,
      extent,
    };
    const lin = a.dilations[0] === 1 && a.dilations[1] === 1
      ? tf.depthwiseConv2d(x4, w4, a.strides, a.pad)
      : alignedConv(
        x4,
        w4,
        "depthwise",
        planGrid([x4.shape[1], x4.shape[2]], { ...geometry, primaryKernel: extent }, extent),
        a.dilations,
      );
    const proj = new ConvProjection(
      geometry,
      "depthwise",
      [u.shape[0], u.shape[1]] as [number, number],
      a.uvDilations,
    );
    const [pu, pv] = proj.applyMany(x4, [u, v]);
    const y = tf.add(lin, depthwiseOutProject(tf.mul(pu, pv), tf.mul(p, a.scale)));
    return bias ? tf.add(y, bias) : y;
  });
}

/**
 * `dw(x, W) + bias + s·P k(Ux, Vx)` per channel for x `[B, H, W, c]`, W
 * `[kh, kw, c, m]`, U, V `[qh, qw, c, r]`, P `[c, r, m]`, bias `[c·m]`.
 */
export function adaptedDepthwiseConv2d(
  x: tf.Tensor,
  w: tf.Tensor,
  u: tf.Tensor,
  v: tf.Tensor,
  p: tf.Tensor,
  s: AdaptedDepthwiseSettings,
  bias?: tf.Tensor,
): tf.Tensor {
  checkShapes(x, w, u, v, p);
  const a = attrsOf(s);
  const fused = fusedKernelAvailable(FUSED.adaptedDepthwise) &&
    fusedKernelAvailable(FUSED.adaptedDepthwiseGrad) &&
    [x, w, u, v, p, bias].every((t) => t === undefined || t.dtype === "float32");
  if (!fused) return composite(x, w, u, v, p, a, bias);
  const keepUv = !s.recompute && recordingGradients();
  const inputs = bias ? [x, w, u, v, p, bias] : [x, w, u, v, p];
  const op = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
    const save = args[args.length - 1] as (t: tf.Tensor[]) => void;
    const ts = args.slice(0, -1) as tf.Tensor[];
    const named: Record<string, tf.Tensor> = { x: ts[0], w: ts[1], u: ts[2], v: ts[3], p: ts[4] };
    if (ts[5]) named.bias = ts[5];
    const out = runFused(FUSED.adaptedDepthwise, named, { ...a, saveUv: keepUv });
    // autodiff keeps [Ux | Vx]; recompute only the input and the weights
    save(keepUv ? [...ts.slice(0, 5), out[1]] : ts.slice(0, 5));
    return {
      value: out[0],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, us, vs, ps, uv] = saved;
        const ins: Record<string, tf.Tensor> = { dy, x: xs, w: ws, u: us, v: vs, p: ps };
        if (uv) ins.uv = uv;
        const g = runFused(FUSED.adaptedDepthwiseGrad, ins, { ...a }); // dx, dW, dU, dV, dP, dbias
        if (bias) return g;
        g[5].dispose();
        return g.slice(0, 5);
      },
    };
  });
  return op(...inputs);
}
