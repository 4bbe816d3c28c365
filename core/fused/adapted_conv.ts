/**
 * An adapted Conv2D as one op, for U and V that read the primary's window
 * (same kernel size, stride, padding; no dilation): `W`, `U`, `V` act as one
 * filter `[W | U | V]`, so the forward is one im2col and one GEMM plus the
 * residual epilogue `lin + bias + s·P(u ⊙ v)`, and the backward is one
 * epilogue kernel, one input-gradient GEMM for W, U and V together and one
 * filter-gradient GEMM for U|V (W's only when W trains). Composite fallback
 * (a conv with the concatenated filter and `quadResidual`) elsewhere.
 *
 * @example
 * ```ts
 * import { adaptedConv2d, tf } from "@quadranet/core";
 * const x = tf.ones([1, 4, 4, 2]);
 * const y = adaptedConv2d(x, tf.ones([3, 3, 2, 5]), tf.ones([3, 3, 2, 2]), tf.ones([3, 3, 2, 2]),
 *   tf.zeros([2, 5]), { scale: 1, strides: [1, 1], pad: "same" }); // = conv(x, W) as P = 0
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { FUSED, fusedKernelAvailable, recordingGradients, runFused } from "./fused_ops.ts";
import { quadResidual } from "./quad_epilogue.ts";

/** Geometry and scale of {@link adaptedConv2d}. */
export interface AdaptedConvSettings {
  /** The quadratic term's scale s = alpha / rank. */
  scale: number;
  /** The primary conv's strides. */
  strides: [number, number];
  /** The primary conv's padding. */
  pad: "same" | "valid";
  /** Keep only x and the weights for the backward pass; recompute `[Ux | Vx]` there. */
  recompute?: boolean;
}

/**
 * `conv(x, W) + bias + s·P(conv(x, U) ⊙ conv(x, V))` for filters W
 * `[kh, kw, cin, c]`, U, V `[kh, kw, cin, r]`, P `[r, c]`.
 */
export function adaptedConv2d(
  x: tf.Tensor,
  w: tf.Tensor,
  u: tf.Tensor,
  v: tf.Tensor,
  p: tf.Tensor,
  s: AdaptedConvSettings,
  bias?: tf.Tensor,
): tf.Tensor {
  if (
    fusedKernelAvailable(FUSED.adaptedConv2d) && [x, w, u, v, p].every((t) => t.dtype === "float32")
  ) {
    const inputs: Record<string, tf.Tensor> = { x, w, u, v, p };
    if (bias) inputs.bias = bias;
    const name = s.recompute ? FUSED.adaptedConv2dRecompute : FUSED.adaptedConv2d;
    // Without a gradient tape nobody reads uv, nor under recompute (its
    // kernel returns y alone): the kernel may skip keeping it.
    const keepUv = recordingGradients() && !s.recompute;
    const [y, uv] = runFused(name, inputs, {
      scale: s.scale,
      strides: s.strides,
      pad: s.pad,
      keepUv,
    });
    if (!keepUv) uv?.dispose();
    return y;
  }
  return tf.tidy(() => {
    const y = tf.conv2d(x as tf.Tensor4D, tf.concat([w, u, v], 3) as tf.Tensor4D, s.strides, s.pad);
    return quadResidual(y, p, s.scale, bias);
  });
}

type Grads = Record<string, () => tf.Tensor>;

// QnAdaptedConv2DRecomputeGrad's ([dy | d(uv)], d[U|V], dP) in this file's order.
const reorder = ([all, duvFilter, dp]: tf.Tensor[]) => [all, dp, duvFilter];

/**
 * The gradients of {@link adaptedConv2d}. The epilogue's backward and the
 * U|V filter gradient run now: under recompute in one kernel where the
 * backend has `QnAdaptedConv2DRecomputeGrad`, else here in a scope that
 * frees `[dy | d(uv)]`'s companions (and a recomputed uv) as soon as they
 * are used; tfjs would otherwise hold every tensor a gradient function makes
 * until the whole backward pass ends. `[dy | d(uv)]` itself lives until x's
 * input gradient has used it.
 */
function adaptedConvGrads(
  dy: tf.Tensor,
  duvIn: tf.Tensor | null,
  [x, w, u, v, p]: tf.Tensor[],
  uvOf: () => tf.Tensor,
  a: AdaptedConvSettings,
  recomputed: boolean,
): Grads {
  const conv = { strides: a.strides, pad: a.pad, dataFormat: "NHWC", dilations: 1 };
  const [kh, kw, cin, r] = u.shape;
  const [dyAll, dp, duvFilter] = recomputed && !duvIn &&
      fusedKernelAvailable(FUSED.adaptedConv2dRecomputeGrad)
    ? reorder(runFused(FUSED.adaptedConv2dRecomputeGrad, { dy, x, u, v, p }, {
      scale: a.scale,
      strides: a.strides,
      pad: a.pad,
    }))
    : tf.tidy(() => {
      const uv = uvOf();
      const ins: Record<string, tf.Tensor> = duvIn ? { dy, uv, p, duvIn } : { dy, uv, p };
      const [dyAll, duv, dp] = runFused(FUSED.quadResidualGrad, ins, { scale: a.scale });
      if (recomputed) uv.dispose(); // before the filter GEMM's output is allocated
      // U|V's filter gradient in one GEMM (both halves from one call)
      const duvFilter = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: duv }, {
        ...conv,
        filterShape: [kh, kw, cin, 2 * r],
      }) as tf.Tensor;
      return [dyAll, dp, duvFilter];
    });
  return {
    x: () => {
      const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, {
        dy: dyAll,
        filter: tf.concat([w, u, v], 3),
      }, {
        ...conv,
        inputShape: x.shape,
      }) as tf.Tensor;
      dyAll.dispose(); // x's gradient is asked for once
      return dx;
    },
    w: () =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        ...conv,
        filterShape: w.shape,
      }) as tf.Tensor,
    u: () => tf.slice(duvFilter, [0, 0, 0, 0], [kh, kw, cin, r]),
    v: () => tf.slice(duvFilter, [0, 0, 0, r], [kh, kw, cin, r]),
    p: () => dp,
    bias: () => tf.sum(dy, [0, 1, 2]),
  };
}

/** The gradient of {@link FUSED}.adaptedConv2d (registered by `installFusedOps`). @internal */
export const adaptedConv2dGradient: tf.GradConfig = {
  kernelName: FUSED.adaptedConv2d,
  inputsToSave: ["x", "w", "u", "v", "p"],
  outputsToSave: [false, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, duvIn] = dys as tf.Tensor[];
    return adaptedConvGrads(dy, duvIn, saved.slice(0, 5), () => saved[5], attrs as never, false);
  },
};

/**
 * The gradient of {@link FUSED}.adaptedConv2dRecompute (registered by
 * `installFusedOps`). @internal
 */
export const adaptedConv2dRecomputeGradient: tf.GradConfig = {
  kernelName: FUSED.adaptedConv2dRecompute,
  inputsToSave: ["x", "w", "u", "v", "p"],
  gradFunc: (dys, saved, attrs) => {
    // One output (y) where the backend's kernel returns only y; [y, uv] elsewhere.
    const [dy, duvIn] = Array.isArray(dys) ? dys : [dys, null];
    const [x, , u, v] = saved;
    const a = attrs as unknown as AdaptedConvSettings;
    const uv = () =>
      tf.engine().runKernel(tf.Conv2D, { x, filter: tf.concat([u, v], 3) }, {
        strides: a.strides,
        pad: a.pad,
        dataFormat: "NHWC",
        dilations: 1,
      }) as tf.Tensor; // recomputed: one im2col + a GEMM with 2r columns
    return adaptedConvGrads(dy, duvIn ?? null, saved, uv, a, true);
  },
};
