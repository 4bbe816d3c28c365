/**
 * Native matmul (cuBLAS), convolution (cuDNN) and pooling kernels of the
 * `cuda` backend. NHWC only; an odd 'same' padding is made symmetric with an
 * explicit pad (cudnnConvPadding). NOT YET RUN ON A GPU (see README).
 *
 * @example
 * ```ts
 * import { NATIVE_LINEAR } from "@quadranet/backend-cuda";
 * "Conv2DBackpropFilter" in NATIVE_LINEAR; // true
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { CudaBackend } from "./backend.ts";
import type { ConvGeometry } from "./cudnn_conv.ts";
import { gridFor } from "./kernel_source.ts";
import { allFloat32, backendOf, type NativeKernel } from "./native_kernels.ts";
import { binaryOn, gather, padOn, transposeOn, unaryOn } from "./native_elementwise.ts";
import { coalesce, contiguousStrides, cudnnConvPadding, gemmPlan } from "./planning.ts";
import { maxPoolGradSource, poolArgs, poolSource } from "./pool_kernels.ts";

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
type Info = tf.backend_util.Conv2DInfo;

function dispose(b: CudaBackend, ...ts: (tf.TensorInfo | undefined)[]): void {
  for (const t of ts) if (t) b.disposeData(t.dataId, true);
}

/** BatchMatMul on cuBLAS, or undefined when batch dims broadcast other than 1-vs-N. */
function matmul(
  b: CudaBackend,
  a: tf.TensorInfo,
  bb: tf.TensorInfo,
  ta: boolean,
  tb: boolean,
): tf.TensorInfo | undefined {
  const ra = a.shape.length, rb = bb.shape.length;
  const m = ta ? a.shape[ra - 1] : a.shape[ra - 2], k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = tb ? bb.shape[rb - 2] : bb.shape[rb - 1];
  const batchShapeA = a.shape.slice(0, -2), batchShapeB = bb.shape.slice(0, -2);
  const batchA = size(batchShapeA), batchB = size(batchShapeB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const outBatch = batchA >= batchB ? batchShapeA : batchShapeB;
  const out = b.makeOutput([...outBatch, m, n]);
  if (m * n * Math.max(batchA, batchB) === 0) return out;
  if (k === 0) {
    b.rt.zero(b.ptr(out), size(out.shape) * 4);
    return out;
  }
  const plan = gemmPlan({ batchA, batchB, m, n, k, transposeA: ta, transposeB: tb });
  b.rt.gemm(plan, b.ptr(a), b.ptr(bb), b.ptr(out));
  return out;
}

/** y = act(x + bias) for the fused kernels; linear and relu only. */
function epilogue(
  b: CudaBackend,
  y: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  activation: string,
): tf.TensorInfo | undefined {
  let out = y;
  if (bias) {
    const withBias = binaryOn(b, "Add", out, bias);
    if (!withBias) return undefined;
    dispose(b, out);
    out = withBias;
  }
  if (activation === "relu") {
    const r = unaryOn(b, "Relu", out);
    dispose(b, out);
    out = r;
  }
  return out;
}

const FUSABLE = new Set(["linear", "relu"]);

/** The cuDNN geometry for a tfjs conv info (after the explicit extra padding). */
function geometry(
  info: Info,
  depthwise: boolean,
): { g: ConvGeometry; extraBottom: number; extraRight: number } {
  const pad = cudnnConvPadding(info.padInfo);
  return {
    g: {
      n: info.batchSize,
      h: info.inHeight + pad.extraBottom,
      w: info.inWidth + pad.extraRight,
      cin: info.inChannels,
      cout: info.outChannels,
      kh: info.filterHeight,
      kw: info.filterWidth,
      oh: info.outHeight,
      ow: info.outWidth,
      sh: info.strideHeight,
      sw: info.strideWidth,
      padH: pad.padH,
      padW: pad.padW,
      dh: info.dilationHeight,
      dw: info.dilationWidth,
      groups: depthwise ? info.inChannels : 1,
    },
    extraBottom: pad.extraBottom,
    extraRight: pad.extraRight,
  };
}

type Shape4 = [number, number, number, number];

/** tfjs' plan of a conv (or its gradient) from the kernel's attributes, and its cuDNN geometry. */
function convPlan(
  xShape: Shape4,
  filterShape: Shape4,
  a: Record<string, unknown>,
  depthwise: boolean,
): ReturnType<typeof geometry> & { info: Info } {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    a.strides as number,
    (a.dilations as number) ?? 1,
    a.pad as "same",
    a.dimRoundingMode as "floor",
    depthwise,
  );
  return { info, ...geometry(info, depthwise) };
}

/** `x` with `bottom` rows and `right` columns of zeros added below and right (`x` itself for none). */
function padExtra(b: CudaBackend, x: tf.TensorInfo, bottom: number, right: number): tf.TensorInfo {
  return bottom || right ? padOn(b, x, [[0, 0], [0, bottom], [0, right], [0, 0]])! : x;
}

/** HWIO (or depthwise HW C M) filters → cuDNN's KRSC; back with the inverse permutation. */
const TO_KRSC = [3, 0, 1, 2], FROM_KRSC = [1, 2, 3, 0];
const DW_TO_KRSC = [2, 3, 0, 1], DW_FROM_KRSC = [2, 3, 0, 1];

function convUsable(
  b: CudaBackend,
  args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap },
): boolean {
  const fmt = (args.attrs as { dataFormat?: string }).dataFormat ?? "NHWC";
  const pad = (args.attrs as { pad?: unknown }).pad;
  return !!b.conv && allFloat32(args.inputs) && (fmt === "NHWC" || fmt === "channelsLast") &&
    typeof pad !== "object";
}

function convForward(depthwise: boolean): NativeKernel {
  return (args, fallback) => {
    const b = backendOf(args);
    const a = args.attrs as Record<string, unknown>;
    const { x, filter, bias } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const activation = (a.activation as string | undefined) ?? "linear";
    if (
      !convUsable(b, args) || !FUSABLE.has(activation) ||
      (args.inputs as Record<string, unknown>).preluActivationWeights
    ) {
      return fallback(args as never);
    }
    const { g, extraBottom, extraRight, info } = convPlan(
      x!.shape as Shape4,
      filter!.shape as Shape4,
      a,
      depthwise,
    );
    const wk = transposeOn(b, filter!, depthwise ? DW_TO_KRSC : TO_KRSC)!;
    const xp = padExtra(b, x!, extraBottom, extraRight);
    const y = b.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
    b.conv!.forward(b.ptr(xp), b.ptr(wk), b.ptr(y), g);
    dispose(b, wk, xp === x ? undefined : xp);
    return epilogue(b, y, bias, activation) ?? fallback(args as never);
  };
}

function convBackpropInput(depthwise: boolean): NativeKernel {
  return (args, fallback) => {
    const b = backendOf(args);
    if (!convUsable(b, args)) return fallback(args as never);
    const a = args.attrs as Record<string, unknown>;
    const { dy, filter } = args.inputs as Record<string, tf.TensorInfo>;
    const inputShape = a.inputShape as Shape4;
    const { g, extraBottom, extraRight } = convPlan(
      inputShape,
      filter.shape as Shape4,
      a,
      depthwise,
    );
    const wk = transposeOn(b, filter, depthwise ? DW_TO_KRSC : TO_KRSC)!;
    const dxp = b.makeOutput([g.n, g.h, g.w, g.cin]);
    b.conv!.backwardData(b.ptr(dy), b.ptr(wk), b.ptr(dxp), g);
    dispose(b, wk);
    if (!extraBottom && !extraRight) return dxp;
    // crop the explicit extra rows/columns back off
    const own = contiguousStrides(dxp.shape);
    const c = coalesce(inputShape, [own]);
    const dx = gather(b, dxp, inputShape, c.dims, c.strides[0], 0);
    dispose(b, dxp);
    return dx;
  };
}

function convBackpropFilter(depthwise: boolean): NativeKernel {
  return (args, fallback) => {
    const b = backendOf(args);
    if (!convUsable(b, args)) return fallback(args as never);
    const a = args.attrs as Record<string, unknown>;
    const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const filterShape = a.filterShape as Shape4;
    const { g, extraBottom, extraRight } = convPlan(x.shape as Shape4, filterShape, a, depthwise);
    const xp = padExtra(b, x, extraBottom, extraRight);
    const krsc = depthwise
      ? [filterShape[2], filterShape[3], filterShape[0], filterShape[1]]
      : [filterShape[3], filterShape[0], filterShape[1], filterShape[2]];
    const dwk = b.makeOutput(krsc);
    b.conv!.backwardFilter(b.ptr(xp), b.ptr(dy), b.ptr(dwk), g);
    const dw = transposeOn(b, dwk, depthwise ? DW_FROM_KRSC : FROM_KRSC)!;
    dispose(b, dwk, xp === x ? undefined : xp);
    return dw;
  };
}

function poolInfo(x: tf.TensorInfo, a: Record<string, unknown>): Info {
  return tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    a.filterSize as number,
    a.strides as number,
    1,
    a.pad as "same",
    a.dimRoundingMode as "floor",
  );
}

function pool(kind: "max" | "avg"): NativeKernel {
  return (args, fallback) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (!allFloat32(args.inputs) || x.shape.length !== 4) return fallback(args as never);
    const b = backendOf(args);
    const info = poolInfo(x, args.attrs as Record<string, unknown>);
    const out = b.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
    const n = size(out.shape);
    if (n > 0) {
      b.rt.launch(poolSource(kind), gridFor(n), [b.ptr(x), b.ptr(out), n, ...poolArgs(info)]);
    }
    return out;
  };
}

/** Native kernels of this file. */
export const NATIVE_LINEAR: Record<string, NativeKernel> = {
  BatchMatMul(args, fallback) {
    const { a, b: bb } = args.inputs as Record<string, tf.TensorInfo>;
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!allFloat32(args.inputs)) return fallback(args as never);
    return matmul(backendOf(args), a, bb, transposeA, transposeB) ?? fallback(args as never);
  },
  _FusedMatMul(args, fallback) {
    const { a, b: bb, bias, preluActivationWeights } = args.inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const at = args.attrs as { transposeA: boolean; transposeB: boolean; activation?: string };
    const activation = at.activation ?? "linear";
    if (!allFloat32(args.inputs) || preluActivationWeights || !FUSABLE.has(activation)) {
      return fallback(args as never);
    }
    const b = backendOf(args);
    const y = matmul(b, a!, bb!, at.transposeA, at.transposeB);
    return (y && epilogue(b, y, bias, activation)) ?? fallback(args as never);
  },
  Conv2D: convForward(false),
  FusedConv2D: convForward(false),
  Conv2DBackpropInput: convBackpropInput(false),
  Conv2DBackpropFilter: convBackpropFilter(false),
  DepthwiseConv2dNative: convForward(true),
  FusedDepthwiseConv2D: convForward(true),
  DepthwiseConv2dNativeBackpropInput: convBackpropInput(true),
  DepthwiseConv2dNativeBackpropFilter: convBackpropFilter(true),
  MaxPool: pool("max"),
  AvgPool: pool("avg"),
  MaxPoolGrad(args, fallback) {
    const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
    if (!allFloat32(args.inputs)) return fallback(args as never);
    const b = backendOf(args);
    const info = poolInfo(input, args.attrs as Record<string, unknown>);
    const dx = b.makeOutput(input.shape);
    b.rt.zero(b.ptr(dx), size(input.shape) * 4);
    const n = size(dy.shape);
    if (n > 0) {
      b.rt.launch(maxPoolGradSource(), gridFor(n), [
        b.ptr(input),
        b.ptr(dy),
        b.ptr(dx),
        n,
        ...poolArgs(info),
      ]);
    }
    return dx;
  },
};
