/**
 * NHWC `Conv2D`, `FusedConv2D`, `Conv2DBackpropInput` and
 * `Conv2DBackpropFilter` as im2col + OpenBLAS `sgemm`, chunked over patch rows
 * so the patch matrix stays within {@link CHUNK_FLOATS} (in cache). Every stride,
 * padding and dilation; NCHW falls back to the cpu kernel.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * await tf.setBackend("blas"); // after registerBlasBackend()
 * tf.conv2d(tf.ones([1, 8, 8, 3]) as tf.Tensor4D, tf.ones([3, 3, 3, 4]) as tf.Tensor4D, 1, "same"); // conv2dBlas
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { Blas } from "./blas_library.ts";
import { fusedEpilogue } from "./fused_epilogue.ts";
import { col2im, type ConvGeometry, im2col, isPointwise, patchSize } from "./im2col.ts";
import {
  allFloat32,
  CHUNK_FLOATS,
  cpuKernel,
  type KernelFn,
  MIN_CHUNK_ROWS,
  output,
  scratchBuffer,
  values,
} from "./kernel_util.ts";
import { allocOutput, allocZeroedOutput } from "./buffer_pool.ts";

/** Attributes of the tfjs conv kernels. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** The im2col geometry of a tfjs conv info. */
export function geometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilH: info.dilationHeight,
    dilW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** tfjs conv info (NHWC) for an input, filter and attributes. */
export function convInfo(
  xShape: number[],
  filterShape: number[],
  a: ConvAttrs,
  dilations: number | [number, number],
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    "channelsLast",
  );
}

/**
 * Calls `fn` for consecutive patch-row ranges `[r0, r1)` of the whole batch
 * small enough that their patch matrix (`rows × patchSize`) fits
 * {@link CHUNK_FLOATS} (so it stays in cache between im2col and the GEMM),
 * with a scratch buffer of that size (contents undefined).
 */
function forEachChunk(
  g: ConvGeometry,
  batch: number,
  fn: (r0: number, r1: number, cols: Float32Array) => void,
): void {
  const total = batch * g.outH * g.outW, k = patchSize(g);
  const per = Math.max(MIN_CHUNK_ROWS, Math.floor(CHUNK_FLOATS / k));
  for (let r0 = 0; r0 < total; r0 += per) {
    const r1 = Math.min(total, r0 + per);
    fn(r0, r1, scratchBuffer((r1 - r0) * k));
  }
}

/**
 * Calls `fn` with the patch matrix of `x` in cache-sized row ranges
 * `[r0, r1)` (`cols` row 0 is patch row `r0`): im2col into scratch slot 0,
 * or views of `x` itself for pointwise convs.
 */
export function forEachPatchChunk(
  x: Float32Array,
  g: ConvGeometry,
  batch: number,
  fn: (r0: number, r1: number, cols: Float32Array) => void,
): void {
  if (!isPointwise(g)) {
    return forEachChunk(g, batch, (r0, r1, cols) => {
      im2col(x, g, r0, r1, cols);
      fn(r0, r1, cols);
    });
  }
  const total = batch * g.outH * g.outW, k = patchSize(g);
  const per = Math.max(MIN_CHUNK_ROWS, Math.floor(CHUNK_FLOATS / k));
  for (let r0 = 0; r0 < total; r0 += per) {
    const r1 = Math.min(total, r0 + per);
    fn(r0, r1, x.subarray(r0 * k, r1 * k));
  }
}

/** Forward convolution into a new array `[B, outH, outW, outC]`. */
export function conv2dForward(
  blas: Blas,
  x: Float32Array,
  w: Float32Array,
  batch: number,
  g: ConvGeometry,
  outC: number,
): Float32Array {
  const rowsPerImage = g.outH * g.outW, k = patchSize(g);
  const out = allocOutput(batch * rowsPerImage * outC);
  if (isPointwise(g)) {
    blas.sgemm(false, false, batch * rowsPerImage, outC, k, 1, x, k, w, outC, 0, out, outC);
    return out;
  }
  forEachChunk(g, batch, (r0, r1, cols) => {
    im2col(x, g, r0, r1, cols);
    const o = r0 * outC, rows = r1 - r0;
    blas.sgemm(
      false,
      false,
      rows,
      outC,
      k,
      1,
      cols,
      k,
      w,
      outC,
      0,
      out.subarray(o, o + rows * outC),
      outC,
    );
  });
  return out;
}

/** The `Conv2D` kernel. */
export function conv2dKernel(blas: Blas): KernelFn {
  const fallback = cpuKernel(tf.Conv2D);
  return (args) => {
    const { x, filter } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs;
    if (!allFloat32(x, filter) || attrs.dataFormat === "NCHW") return fallback(args);
    const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
    const data = conv2dForward(
      blas,
      values(args.backend, x),
      values(args.backend, filter),
      info.batchSize,
      geometry(info),
      info.outChannels,
    );
    return output(args.backend, info.outShape, data);
  };
}

/** The `FusedConv2D` kernel (bias and activation applied after the product). */
export function fusedConv2dKernel(blas: Blas): KernelFn {
  const fallback = cpuKernel(tf.FusedConv2D);
  return (args) => {
    const { x, filter } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs & {
      activation?: string;
      leakyreluAlpha?: number;
    };
    const outC = filter.shape[3];
    const epilogue = fusedEpilogue(args.backend, args.inputs, attrs, outC);
    if (!epilogue || !allFloat32(x, filter) || attrs.dataFormat === "NCHW") return fallback(args);
    const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
    const data = conv2dForward(
      blas,
      values(args.backend, x),
      values(args.backend, filter),
      info.batchSize,
      geometry(info),
      outC,
    );
    epilogue(data);
    return output(args.backend, info.outShape, data);
  };
}

/** The `Conv2DBackpropInput` kernel: `dx = col2im(dy · Wᵀ)`. */
export function conv2dBackpropInputKernel(blas: Blas): KernelFn {
  const fallback = cpuKernel(tf.Conv2DBackpropInput);
  return (args) => {
    const { dy, filter } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    if (!allFloat32(dy, filter) || attrs.dataFormat === "NCHW") return fallback(args);
    const info = convInfo(attrs.inputShape, filter.shape, attrs, 1);
    const g = geometry(info), k = patchSize(g), outC = info.outChannels;
    const batch = info.batchSize, rowsPerImage = g.outH * g.outW;
    const dyv = values(args.backend, dy), w = values(args.backend, filter);
    const dxSize = batch * g.inH * g.inW * g.inC;
    // col2im adds into dx; the pointwise GEMM writes all of it
    const dx = isPointwise(g) ? allocOutput(dxSize) : allocZeroedOutput(dxSize);
    if (isPointwise(g)) {
      blas.sgemm(false, true, batch * rowsPerImage, k, outC, 1, dyv, outC, w, outC, 0, dx, k);
    } else {
      forEachChunk(g, batch, (r0, r1, cols) => {
        const o = r0 * outC, rows = r1 - r0;
        blas.sgemm(
          false,
          true,
          rows,
          k,
          outC,
          1,
          dyv.subarray(o, o + rows * outC),
          outC,
          w,
          outC,
          0,
          cols,
          k,
        );
        col2im(cols, g, r0, r1, dx);
      });
    }
    return output(args.backend, [batch, g.inH, g.inW, g.inC], dx);
  };
}

/** The `Conv2DBackpropFilter` kernel: `dW = Σ im2col(x)ᵀ · dy` over row chunks. */
export function conv2dBackpropFilterKernel(blas: Blas): KernelFn {
  const fallback = cpuKernel(tf.Conv2DBackpropFilter);
  return (args) => {
    const { x, dy } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    if (!allFloat32(x, dy) || attrs.dataFormat === "NCHW") return fallback(args);
    const info = convInfo(x.shape, attrs.filterShape, attrs, 1);
    const g = geometry(info), k = patchSize(g), outC = info.outChannels;
    const batch = info.batchSize, rowsPerImage = g.outH * g.outW;
    const xv = values(args.backend, x), dyv = values(args.backend, dy);
    const dw = allocOutput(k * outC);
    if (isPointwise(g)) {
      blas.sgemm(true, false, k, outC, batch * rowsPerImage, 1, xv, k, dyv, outC, 0, dw, outC);
    } else {
      forEachChunk(g, batch, (r0, r1, cols) => {
        im2col(xv, g, r0, r1, cols);
        const o = r0 * outC, rows = r1 - r0;
        blas.sgemm(
          true,
          false,
          k,
          outC,
          rows,
          1,
          cols,
          k,
          dyv.subarray(o, o + rows * outC),
          outC,
          r0 === 0 ? 0 : 1,
          dw,
          outC,
        );
      });
    }
    return output(args.backend, attrs.filterShape, dw);
  };
}
