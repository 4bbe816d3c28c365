/**
 * Shape and stride planning for the `cuda` backend's kernels: broadcasting,
 * dimension coalescing, reductions, transposes, GEMM through cuBLAS'
 * column-major API, and cuDNN's symmetric convolution padding. Plain
 * functions, no device: what they return is what the kernels and library
 * calls are given.
 *
 * @example
 * ```ts
 * import { broadcastPlan } from "@quadranet/backend-cuda";
 * broadcastPlan([4, 1, 3], [5, 1]);
 * // { outShape: [4, 5, 3], dims: [4, 5, 3], strides: [[3, 0, 1], [0, 1, 0]] }
 * ```
 * @module
 */

/** Row-major strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/**
 * Merges adjacent dimensions that every operand walks contiguously
 * (`stride[i] == stride[i+1] * dims[i+1]` for all) and drops size-1
 * dimensions, so kernels do less index arithmetic. Always returns rank ≥ 1.
 */
export function coalesce(
  dims: readonly number[],
  strides: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } {
  const keep = dims.map((d, i) => [d, i] as const).filter(([d]) => d !== 1);
  if (keep.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  const outDims = [keep[0][0]];
  const outStrides = strides.map((s) => [s[keep[0][1]]]);
  for (let k = 1; k < keep.length; k++) {
    const [d, i] = keep[k];
    const last = outDims.length - 1;
    const mergeable = strides.every((s, j) => outStrides[j][last] === s[i] * d);
    if (mergeable) {
      outDims[last] *= d;
      strides.forEach((s, j) => (outStrides[j][last] = s[i]));
    } else {
      outDims.push(d);
      strides.forEach((s, j) => outStrides[j].push(s[i]));
    }
  }
  return { dims: outDims, strides: outStrides };
}

/** The broadcast of two shapes (numpy rules); throws naming both when incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1, db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `shapes [${a}] and [${b}] cannot be broadcast (dimension ${i}: ${da} vs ${db})`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides of an operand of `shape` read at every index of `outShape` (0 where broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : own[i - off]));
}

/** A binary elementwise op's plan: output shape and the coalesced walk of both inputs. */
export interface BroadcastPlan {
  /** The broadcast output shape. */
  outShape: number[];
  /** Coalesced output dimensions (row-major), rank ≥ 1. */
  dims: number[];
  /** Per input, its strides along `dims`. */
  strides: [number[], number[]];
}

/** Plans `out[i] = f(a[...], b[...])` over the broadcast shape. */
export function broadcastPlan(a: readonly number[], b: readonly number[]): BroadcastPlan {
  const outShape = broadcastShapes(a, b);
  const c = coalesce(outShape, [broadcastStrides(a, outShape), broadcastStrides(b, outShape)]);
  return { outShape, dims: c.dims, strides: [c.strides[0], c.strides[1]] };
}

/** A reduction as `[outer, inner]` rows after an optional transpose. */
export interface ReducePlan {
  /** Permutation moving the reduced axes last (undefined when they already are). */
  perm?: number[];
  /** Rows: the product of the kept dimensions. */
  outer: number;
  /** Row length: the product of the reduced dimensions. */
  inner: number;
  /** The output shape (reduced axes removed, or kept as 1 with keepDims). */
  outShape: number[];
}

/** Plans a reduction of `shape` over `axes` (negative axes count from the end). */
export function reducePlan(
  shape: readonly number[],
  axes: readonly number[],
  keepDims = false,
): ReducePlan {
  const rank = shape.length;
  const ax = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((x, y) => x - y);
  for (const a of ax) {
    if (a < 0 || a >= rank) throw new Error(`reduction axis ${a} is out of range for rank ${rank}`);
  }
  const kept = shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const perm = [...kept, ...ax];
  const identity = perm.every((p, i) => p === i);
  const outer = kept.reduce((n, i) => n * shape[i], 1);
  const inner = ax.reduce((n, i) => n * shape[i], 1);
  const outShape = keepDims
    ? shape.map((d, i) => (ax.includes(i) ? 1 : d))
    : kept.map((i) => shape[i]);
  return { perm: identity ? undefined : perm, outer, inner, outShape };
}

/** A transpose's plan: output shape and the input strides along the coalesced output walk. */
export function transposePlan(
  shape: readonly number[],
  perm: readonly number[],
): { outShape: number[]; dims: number[]; inStrides: number[] } {
  if ([...perm].sort((a, b) => a - b).some((p, i) => p !== i) || perm.length !== shape.length) {
    throw new Error(`[${perm}] is not a permutation of ${shape.length} axes`);
  }
  const own = contiguousStrides(shape);
  const outShape = perm.map((p) => shape[p]);
  const c = coalesce(outShape, [perm.map((p) => own[p])]);
  return { outShape, dims: c.dims, inStrides: c.strides[0] };
}

/** Arguments of one `cublasSgemmStridedBatched` call (column-major, as cuBLAS sees them). */
export interface GemmCall {
  /** Transpose cuBLAS' first operand. */
  transa: boolean;
  /** Transpose cuBLAS' second operand. */
  transb: boolean;
  /** Rows of cuBLAS' C (our N). */
  m: number;
  /** Columns of cuBLAS' C (our M). */
  n: number;
  /** The inner dimension. */
  k: number;
  /** Which row-major operand is cuBLAS' A (first) and B (second): the products swap. */
  first: "b" | "a";
  /** Leading dimension of cuBLAS' first operand. */
  lda: number;
  /** Leading dimension of cuBLAS' second operand. */
  ldb: number;
  /** Leading dimension of C. */
  ldc: number;
  /** Elements between batches of the first operand (0: broadcast). */
  strideA: number;
  /** Elements between batches of the second operand (0: broadcast). */
  strideB: number;
  /** Elements between batches of C. */
  strideC: number;
  /** Batch count. */
  batch: number;
}

/**
 * Row-major `C[b] = op(A[b])·op(B[b])` (tfjs BatchMatMul, `A` batch×M×K or
 * ×K×M when transposed) as one cuBLAS call: cuBLAS is column-major, and a
 * row-major matrix read column-major is its transpose, so it computes
 * `Cᵀ = op(B)ᵀ·op(A)ᵀ` with the operands swapped. A batch of 1 on one side
 * broadcasts (stride 0).
 */
export function gemmPlan(o: {
  batchA: number;
  batchB: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}): GemmCall {
  if (o.batchA !== o.batchB && o.batchA !== 1 && o.batchB !== 1) {
    throw new Error(`batch sizes ${o.batchA} and ${o.batchB} cannot be broadcast`);
  }
  return {
    transa: o.transposeB,
    transb: o.transposeA,
    m: o.n,
    n: o.m,
    k: o.k,
    first: "b",
    lda: o.transposeB ? o.k : o.n,
    ldb: o.transposeA ? o.m : o.k,
    ldc: o.n,
    strideA: o.batchB === 1 ? 0 : o.k * o.n,
    strideB: o.batchA === 1 ? 0 : o.m * o.k,
    strideC: o.m * o.n,
    batch: Math.max(o.batchA, o.batchB),
  };
}

/** How to run a tfjs 2-D convolution with cuDNN's symmetric padding. */
export interface CudnnConvPadding {
  /** cuDNN's symmetric padding, top and bottom. */
  padH: number;
  /** cuDNN's symmetric padding, left and right. */
  padW: number;
  /** Extra zero rows/columns to add at the bottom/right of the input first (0 when symmetric). */
  extraBottom: number;
  /** Extra zero columns to pad at the right first. */
  extraRight: number;
}

/**
 * cuDNN pads both sides equally; tfjs' `same` padding puts an odd extra row
 * or column at the bottom/right (stride-2 convolutions on even inputs). The
 * plan pads the input explicitly by that extra and lets cuDNN do the
 * symmetric rest; a backward-data result is then cropped back.
 */
export function cudnnConvPadding(
  pad: { top: number; bottom: number; left: number; right: number },
): CudnnConvPadding {
  if (pad.bottom < pad.top || pad.right < pad.left) {
    throw new Error(
      `padding with more at the top/left than bottom/right is not planned: ${JSON.stringify(pad)}`,
    );
  }
  return {
    padH: pad.top,
    padW: pad.left,
    extraBottom: pad.bottom - pad.top,
    extraRight: pad.right - pad.left,
  };
}
