/**
 * NHWC depthwise convolution (`DepthwiseConv2dNative`) and both gradients
 * for the blas backend, as direct loops whose innermost axis is the
 * contiguous channel axis (no BLAS: there is no reduction over channels).
 * tfjs' cpu kernels index every element through generic offsets; the
 * adapted depthwise mixers of ConvNeXt-style blocks run these every step.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * await tf.setBackend("blas"); // after registerBlasBackend()
 * tf.depthwiseConv2d(tf.ones([1, 8, 8, 4]) as tf.Tensor4D, tf.ones([3, 3, 4, 1]) as tf.Tensor4D, 1, "same");
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { cpuKernel, type KernelFn, output, values } from "./kernel_util.ts";

interface DwAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  dataFormat?: "NHWC" | "NCHW";
}

function info(xShape: number[], fShape: number[], a: DwAttrs, dil: number | [number, number]) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    fShape as [number, number, number, number],
    a.strides,
    dil,
    a.pad,
    a.dimRoundingMode,
    true,
  );
}

/**
 * Visits every (output position, in-bounds tap): `visit(xOffset, outOffset, wOffset)` with
 * offsets of the first channel of the input pixel, output pixel and filter tap.
 */
function taps(c: tf.backend_util.Conv2DInfo, visit: (xo: number, oo: number, wo: number) => void) {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const OC = c.outChannels;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const oo = ((b * OH + oy) * OW + ox) * OC;
        for (let ky = 0; ky < c.filterHeight; ky++) {
          const iy = oy * c.strideHeight - c.padInfo.top + ky * c.dilationHeight;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < c.filterWidth; kx++) {
            const ix = ox * c.strideWidth - c.padInfo.left + kx * c.dilationWidth;
            if (ix < 0 || ix >= W) continue;
            visit(((b * H + iy) * W + ix) * C, oo, (ky * c.filterWidth + kx) * OC);
          }
        }
      }
    }
  }
}

/** Depth multiplier 1 (the common case) without per-tap callbacks: the hot loop of ConvNeXt mixers. */
function forwardMultiplier1(
  x: Float32Array,
  w: Float32Array,
  out: Float32Array,
  c: tf.backend_util.Conv2DInfo,
) {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const kH = c.filterHeight, kW = c.filterWidth, sH = c.strideHeight, sW = c.strideWidth;
  const dH = c.dilationHeight, dW = c.dilationWidth, top = c.padInfo.top, left = c.padInfo.left;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const orow = (b * OH + oy) * OW * C;
      for (let ky = 0; ky < kH; ky++) {
        const iy = oy * sH - top + ky * dH;
        if (iy < 0 || iy >= H) continue;
        const xrow = (b * H + iy) * W * C;
        for (let kx = 0; kx < kW; kx++) {
          const wo = (ky * kW + kx) * C;
          // output columns whose tap kx lands inside the row
          const lo = Math.max(0, Math.ceil((left - kx * dW) / sW));
          const hi = Math.min(OW, Math.floor((W - 1 + left - kx * dW) / sW) + 1);
          for (let ox = lo; ox < hi; ox++) {
            const xo = xrow + (ox * sW - left + kx * dW) * C, oo = orow + ox * C;
            for (let ch = 0; ch < C; ch++) out[oo + ch] += x[xo + ch] * w[wo + ch];
          }
        }
      }
    }
  }
}

/** The `DepthwiseConv2dNative` kernel. */
export function depthwiseKernel(): KernelFn {
  const fallback = cpuKernel(tf.DepthwiseConv2dNative);
  return (args) => {
    const { x, filter } = args.inputs;
    const a = args.attrs as unknown as DwAttrs;
    if (x.dtype !== "float32" || a.dataFormat === "NCHW") return fallback(args);
    const c = info(x.shape, filter.shape, a, a.dilations ?? 1);
    const xv = values(args.backend, x), w = values(args.backend, filter);
    const C = c.inChannels, m = c.outChannels / C;
    const out = new Float32Array(c.outShape.reduce((p, q) => p * q, 1));
    if (m === 1) {
      forwardMultiplier1(xv, w, out, c);
      return output(args.backend, c.outShape, out);
    }
    taps(c, (xo, oo, wo) => {
      {
        for (let ch = 0; ch < C; ch++) {
          const xval = xv[xo + ch];
          for (let q = 0; q < m; q++) out[oo + ch * m + q] += xval * w[wo + ch * m + q];
        }
      }
    });
    return output(args.backend, c.outShape, out);
  };
}

/** The `DepthwiseConv2dNativeBackpropInput` kernel. */
export function depthwiseBackpropInputKernel(): KernelFn {
  const fallback = cpuKernel(tf.DepthwiseConv2dNativeBackpropInput);
  return (args) => {
    const { dy, filter } = args.inputs;
    const a = args.attrs as unknown as DwAttrs & { inputShape: number[] };
    if (dy.dtype !== "float32" || a.dataFormat === "NCHW") return fallback(args);
    const c = info(a.inputShape, filter.shape, a, a.dilations ?? 1);
    const g = values(args.backend, dy), w = values(args.backend, filter);
    const C = c.inChannels, m = c.outChannels / C;
    const dx = new Float32Array(a.inputShape.reduce((p, q) => p * q, 1));
    taps(c, (xo, oo, wo) => {
      for (let ch = 0; ch < C; ch++) {
        let s = 0;
        for (let q = 0; q < m; q++) s += g[oo + ch * m + q] * w[wo + ch * m + q];
        dx[xo + ch] += s;
      }
    });
    return output(args.backend, a.inputShape, dx);
  };
}

/** The `DepthwiseConv2dNativeBackpropFilter` kernel. */
export function depthwiseBackpropFilterKernel(): KernelFn {
  const fallback = cpuKernel(tf.DepthwiseConv2dNativeBackpropFilter);
  return (args) => {
    const { x, dy } = args.inputs;
    const a = args.attrs as unknown as DwAttrs & { filterShape: number[] };
    if (x.dtype !== "float32" || a.dataFormat === "NCHW") return fallback(args);
    const c = info(x.shape, a.filterShape, a, a.dilations ?? 1);
    const xv = values(args.backend, x), g = values(args.backend, dy);
    const C = c.inChannels, m = c.outChannels / C;
    const dw = new Float64Array(a.filterShape.reduce((p, q) => p * q, 1));
    taps(c, (xo, oo, wo) => {
      for (let ch = 0; ch < C; ch++) {
        const xval = xv[xo + ch];
        for (let q = 0; q < m; q++) dw[wo + ch * m + q] += xval * g[oo + ch * m + q];
      }
    });
    return output(args.backend, a.filterShape, Float32Array.from(dw));
  };
}
