/**
 * Native elementwise, reduction, layout and BatchNorm kernels of the `cuda`
 * backend (NVRTC sources from elementwise_kernels.ts, reduce_kernels.ts,
 * batchnorm_kernels.ts; plans from planning.ts). NOT YET RUN ON A GPU.
 *
 * @example
 * ```ts
 * import { NATIVE_ELEMENTWISE } from "@quadranet/backend-cuda";
 * "Add" in NATIVE_ELEMENTWISE; // true
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { CudaBackend } from "./backend.ts";
import { batchNormForwardSource } from "./batchnorm_kernels.ts";
import {
  BINARY_OPS,
  binarySource,
  gatherSource,
  padSource,
  UNARY_OPS,
  unarySource,
} from "./elementwise_kernels.ts";
import { gridFor } from "./kernel_source.ts";
import { allFloat32, backendOf, type NativeKernel } from "./native_kernels.ts";
import {
  broadcastPlan,
  coalesce,
  contiguousStrides,
  reducePlan,
  transposePlan,
} from "./planning.ts";
import { REDUCE_BLOCK, reduceSource } from "./reduce_kernels.ts";

/** Most dimensions a generated walk handles (plans coalesce below this almost always). */
export const MAX_RANK = 4;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Gathers `x` along a coalesced walk into a new contiguous tensor of `outShape`. */
export function gather(
  b: CudaBackend,
  x: tf.TensorInfo,
  outShape: number[],
  dims: number[],
  strides: number[],
  base = 0,
): tf.TensorInfo {
  const out = b.makeOutput(outShape);
  const n = size(outShape);
  if (n > 0) {
    b.rt.launch(gatherSource(dims.length), gridFor(n), [
      b.ptr(x),
      b.ptr(out),
      n,
      base,
      ...dims,
      ...strides,
    ]);
  }
  return out;
}

/** Transposes on the device, or returns undefined when the walk needs more than MAX_RANK dims. */
export function transposeOn(
  b: CudaBackend,
  x: tf.TensorInfo,
  perm: number[],
): tf.TensorInfo | undefined {
  const t = transposePlan(x.shape, perm);
  if (t.dims.length > MAX_RANK) return undefined;
  return gather(b, x, t.outShape, t.dims, t.inStrides);
}

/** Zero-padding on the device (`pads[d] = [before, after]`). */
export function padOn(
  b: CudaBackend,
  x: tf.TensorInfo,
  pads: [number, number][],
  value = 0,
): tf.TensorInfo | undefined {
  const rank = x.shape.length;
  if (rank > MAX_RANK) return undefined;
  const outShape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const out = b.makeOutput(outShape);
  const n = size(outShape);
  if (n > 0) {
    b.rt.launch(padSource(rank), gridFor(n), [
      b.ptr(x),
      b.ptr(out),
      n,
      value,
      ...outShape,
      ...x.shape,
      ...pads.map((p) => p[0]),
      ...contiguousStrides(x.shape),
    ]);
  }
  return out;
}

/** `op` applied elementwise into a new tensor. */
export function unaryOn(b: CudaBackend, op: string, x: tf.TensorInfo, alpha = 0): tf.TensorInfo {
  const out = b.makeOutput(x.shape);
  const n = size(x.shape);
  if (n > 0) b.rt.launch(unarySource(op), gridFor(n), [b.ptr(x), b.ptr(out), n, alpha]);
  return out;
}

/** Broadcast binary `op`, or undefined when the plan's rank is above MAX_RANK. */
export function binaryOn(
  b: CudaBackend,
  op: string,
  x: tf.TensorInfo,
  y: tf.TensorInfo,
): tf.TensorInfo | undefined {
  const p = broadcastPlan(x.shape, y.shape);
  if (p.dims.length > MAX_RANK) return undefined;
  const out = b.makeOutput(p.outShape);
  const n = size(p.outShape);
  if (n > 0) {
    b.rt.launch(binarySource(op, p.dims.length), gridFor(n), [
      b.ptr(x),
      b.ptr(y),
      b.ptr(out),
      n,
      ...p.dims,
      ...p.strides[0],
      ...p.strides[1],
    ]);
  }
  return out;
}

function unary(op: string): NativeKernel {
  return (args, fallback) => {
    if (!allFloat32(args.inputs)) return fallback(args as never);
    const alpha = op === "Step" ? Number((args.attrs as { alpha?: number }).alpha ?? 0) : 0;
    return unaryOn(backendOf(args), op, args.inputs.x as tf.TensorInfo, alpha);
  };
}

function binary(op: string): NativeKernel {
  return (args, fallback) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (!allFloat32(args.inputs)) return fallback(args as never);
    return binaryOn(backendOf(args), op, a, b) ?? fallback(args as never);
  };
}

function reduce(op: "Sum" | "Max" | "Min" | "Mean"): NativeKernel {
  return (args, fallback) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (!allFloat32(args.inputs)) return fallback(args as never);
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const plan = reducePlan(x.shape, axes, keepDims);
    if (plan.inner === 0 || plan.outer === 0) return fallback(args as never);
    const b = backendOf(args);
    const rows = plan.perm ? transposeOn(b, x, plan.perm) : x;
    if (!rows) return fallback(args as never);
    const out = b.makeOutput(plan.outShape);
    const block = Math.min(
      REDUCE_BLOCK,
      2 ** Math.ceil(Math.log2(Math.max(32, Math.min(plan.inner, REDUCE_BLOCK)))),
    );
    const k = { ...reduceSource(op === "Mean" ? "Sum" : op), block };
    b.rt.launch(k, Math.min(plan.outer, 65_535), [
      b.ptr(rows),
      b.ptr(out),
      plan.outer,
      plan.inner,
      op === "Mean" ? 1 / plan.inner : 1,
    ]);
    if (rows !== x) b.disposeData(rows.dataId, true);
    return out;
  };
}

const sameData: NativeKernel = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const b = backendOf(args);
  b.incRef(x.dataId);
  const shape = (args.attrs as { shape?: number[] } | undefined)?.shape;
  const outShape = shape ? tf.util.inferFromImplicitShape([...shape], size(x.shape)) : x.shape;
  return { dataId: x.dataId, shape: outShape, dtype: x.dtype };
};

/** Native kernels of this file. */
export const NATIVE_ELEMENTWISE: Record<string, NativeKernel> = {
  ...Object.fromEntries(
    Object.keys(UNARY_OPS).filter((o) => o !== "Scale").map((o) => [o, unary(o)]),
  ),
  ...Object.fromEntries(Object.keys(BINARY_OPS).map((o) => [o, binary(o)])),
  Sum: reduce("Sum"),
  Mean: reduce("Mean"),
  Max: reduce("Max"),
  Min: reduce("Min"),
  Reshape: sameData,
  Identity: sameData,
  ZerosLike(args) {
    const x = args.inputs.x as tf.TensorInfo;
    const b = backendOf(args);
    const out = b.makeOutput(x.shape, x.dtype);
    b.rt.zero(b.ptr(out), size(x.shape) * (x.dtype === "bool" ? 1 : 4));
    return out;
  },
  Transpose(args, fallback) {
    if (!allFloat32(args.inputs)) return fallback(args as never);
    const { perm } = args.attrs as { perm: number[] };
    return transposeOn(backendOf(args), args.inputs.x as tf.TensorInfo, perm) ??
      fallback(args as never);
  },
  Slice(args, fallback) {
    const x = args.inputs.x as tf.TensorInfo;
    if (!allFloat32(args.inputs)) return fallback(args as never);
    const { begin, size: sz } = args.attrs as { begin: number[]; size: number[] };
    const [b0, s0] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, sz);
    const own = contiguousStrides(x.shape);
    const c = coalesce(s0, [own]);
    if (c.dims.length > MAX_RANK) return fallback(args as never);
    const base = b0.reduce((s, v, i) => s + v * own[i], 0);
    return gather(backendOf(args), x, s0, c.dims, c.strides[0], base);
  },
  PadV2(args, fallback) {
    if (!allFloat32(args.inputs)) return fallback(args as never);
    const { paddings, constantValue } = args.attrs as {
      paddings: [number, number][];
      constantValue: number;
    };
    return padOn(backendOf(args), args.inputs.x as tf.TensorInfo, paddings, constantValue) ??
      fallback(args as never);
  },
  FusedBatchNorm(args, fallback) {
    const { x, mean, variance, offset, scale } = args.inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const C = x!.shape[x!.shape.length - 1];
    const perChannel = [mean, variance, offset, scale].every((t) =>
      t == null || size(t.shape) === C
    );
    if (!allFloat32(args.inputs) || !perChannel) return fallback(args as never);
    const b = backendOf(args);
    const temps: tf.TensorInfo[] = [];
    const orConst = (t: tf.TensorInfo | undefined, v: number) => {
      if (t) return t;
      const made = b.makeTensorInfo([C], "float32", new Float32Array(C).fill(v));
      temps.push(made);
      return made;
    };
    const out = b.makeOutput(x!.shape);
    const n = size(x!.shape);
    const eps = Number((args.attrs as { varianceEpsilon?: number }).varianceEpsilon ?? 1e-3);
    if (n > 0) {
      b.rt.launch(batchNormForwardSource(), gridFor(n), [
        b.ptr(x!),
        b.ptr(mean!),
        b.ptr(variance!),
        b.ptr(orConst(scale, 1)),
        b.ptr(orConst(offset, 0)),
        b.ptr(out),
        n,
        C,
        eps,
      ]);
    }
    for (const t of temps) b.disposeData(t.dataId, true);
    return out;
  },
};
