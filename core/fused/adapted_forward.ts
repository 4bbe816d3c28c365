/**
 * Fused inference for an adapted layer (QuadraLib's "library-accelerated
 * inference" in our form): the primary weights W and the projections U, V
 * concatenated into one filter, so one im2col and one GEMM give
 * `[lin(x) | Ux | Vx]`, then one kernel adds `s·P(Ux ⊙ Vx)` (and the bias).
 * Used when the kernel is `quadratic` and U/V read the same window as W:
 * Dense (inference only), or Conv2D with matched, undilated geometry (in
 * training too, through `adaptedConv2d`, for the `autodiff` and `recompute`
 * strategies), or DepthwiseConv2D with any U/V geometry (through
 * `adaptedDepthwiseConv2d`: inference, `autodiff`, `recompute`); otherwise
 * the layer's ordinary path runs.
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * // on `blas`, adapted.predict(x) takes this path for every qualifying layer
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] });
 * adapt(base, { rank: 2 }).predict(tf.ones([1, 3]));
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import type { AdaptedLayer } from "../adapter/adapted_layer.ts";
import type { QuadraticTerm } from "../adapter/quadratic_layer.ts";
import { FUSED, fusedKernelAvailable, recordingGradients } from "./fused_ops.ts";
import { quadResidual } from "./quad_epilogue.ts";
import { adaptedConv2d } from "./adapted_conv.ts";
import { adaptedDepthwiseConv2d } from "./adapted_depthwise.ts";

interface Cached {
  ids: object[];
  w: tf.Tensor;
}
// The concatenated filter per layer, rebuilt only when a weight changed.
const cache = new WeakMap<AdaptedLayer, Cached>();

function concatenated(layer: AdaptedLayer, term: QuadraticTerm): tf.Tensor {
  const parts = [layer.primaryKernel.read(), term.u.read(), term.v.read()];
  const ids = parts.map((t) => t.dataId);
  const hit = cache.get(layer);
  if (hit && hit.ids.every((id, i) => id === ids[i]) && !hit.w.isDisposed) return hit.w;
  hit?.w.dispose();
  const w = tf.keep(tf.concat(parts, -1));
  cache.set(layer, { ids, w });
  return w;
}

const same = (a: readonly number[], b: readonly number[]) => a[0] === b[0] && a[1] === b[1];

/** The layer's quadratic term when it is one with kernel `quadratic` (duck-typed: no import cycle). */
function quadraticDelta(layer: AdaptedLayer): QuadraticTerm | undefined {
  const term = layer.delta as Partial<QuadraticTerm>;
  return layer.method.name === "quadratic" && term.kernelMethod?.name === "quadratic" && term.v
    ? term as QuadraticTerm
    : undefined;
}

/**
 * A depthwise adapted layer through `adaptedDepthwiseConv2d`'s kernels: in
 * inference, and in training under `autodiff` (uv kept) or `recompute`
 * (uv recomputed in the backward kernel).
 */
function fusedDepthwise(
  layer: AdaptedLayer,
  term: QuadraticTerm,
  x: tf.Tensor,
  recording: boolean,
): tf.Tensor | undefined {
  const strategy = term.backpropName;
  if (recording && strategy !== "autodiff" && strategy !== "recompute") return undefined;
  if (
    !fusedKernelAvailable(FUSED.adaptedDepthwise) ||
    !fusedKernelAvailable(FUSED.adaptedDepthwiseGrad)
  ) return undefined;
  const g = layer.geometry!, q = term.projection!;
  return adaptedDepthwiseConv2d(
    x,
    layer.primaryKernel.read(),
    term.u.read(),
    term.v.read(),
    term.p.read(),
    {
      scale: term.scale,
      strides: g.strides,
      pad: g.padding,
      dilations: g.dilation,
      uvDilations: q.dilation,
      recompute: recording && strategy === "recompute",
    },
    layer.primaryBias?.read(),
  );
}

/**
 * The adapted layer's pre-activation output through the fused path, or
 * undefined when it does not apply (see the module doc).
 */
export function fusedAdaptedOutput(layer: AdaptedLayer, x: tf.Tensor): tf.Tensor | undefined {
  const term = quadraticDelta(layer);
  if (!term || x.dtype !== "float32") return undefined;
  const recording = recordingGradients();
  if (layer.form === "conv2d") {
    const g = layer.geometry!, q = term.projection!;
    if (!same(g.dilation, [1, 1]) || !same(q.dilation, [1, 1]) || !same(q.size, g.kernelSize)) {
      return undefined;
    }
    // Training too: autodiff keeps uv for the backward pass, recompute recomputes it.
    const strategy = term.backpropName;
    const recompute = recording && strategy === "recompute";
    if (
      fusedKernelAvailable(recompute ? FUSED.adaptedConv2dRecompute : FUSED.adaptedConv2d) &&
      (!recording || strategy === "autodiff" || recompute)
    ) {
      return adaptedConv2d(
        x,
        layer.primaryKernel.read(),
        term.u.read(),
        term.v.read(),
        term.p.read(),
        { scale: term.scale, strides: g.strides, pad: g.padding, recompute },
        layer.primaryBias?.read(),
      );
    }
    if (recording || !fusedKernelAvailable(FUSED.quadResidual)) return undefined;
    const w = concatenated(layer, term) as tf.Tensor4D;
    const y = tf.conv2d(x as tf.Tensor4D, w, g.strides, g.padding);
    return quadResidual(y, term.p.read(), term.scale, layer.primaryBias?.read());
  }
  if (layer.form === "depthwise") return fusedDepthwise(layer, term, x, recording);
  if (layer.form !== "dense" || recording || !fusedKernelAvailable(FUSED.quadResidual)) {
    return undefined;
  }
  const w = concatenated(layer, term);
  const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, x.shape[x.rank - 1]]);
  let y: tf.Tensor = tf.matMul(x2 as tf.Tensor2D, w as tf.Tensor2D);
  if (x.rank !== 2) y = tf.reshape(y, [...x.shape.slice(0, -1), w.shape[1] as number]);
  return quadResidual(y, term.p.read(), term.scale, layer.primaryBias?.read());
}
