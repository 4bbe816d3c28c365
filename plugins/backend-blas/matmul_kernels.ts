/**
 * `BatchMatMul` and `_FusedMatMul` on OpenBLAS `sgemm`, with transposed
 * operands and broadcast batch dimensions.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * await tf.setBackend("blas"); // after registerBlasBackend()
 * tf.matMul(tf.ones([2, 3]), tf.ones([3, 4])); // runs batchMatMulBlas
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type { Blas } from "./blas_library.ts";
import { fusedEpilogue } from "./fused_epilogue.ts";
import { allFloat32, cpuKernel, type KernelFn, output, values } from "./kernel_util.ts";
import { allocOutput } from "./buffer_pool.ts";

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

function product(xs: number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** Flat batch index into an operand with batch shape `shape` for output batch index `i`. */
function batchIndexer(outBatch: number[], shape: number[]): (i: number) => number {
  const size = product(shape);
  if (size === 1) return () => 0;
  if (size === product(outBatch) && shape.length === outBatch.length) return (i) => i;
  const padded = [...Array(outBatch.length - shape.length).fill(1), ...shape];
  return (i) => {
    let idx = 0, stride = 1, rest = i;
    const coords: number[] = [];
    for (let d = outBatch.length - 1; d >= 0; d--) {
      coords[d] = rest % outBatch[d];
      rest = Math.floor(rest / outBatch[d]);
    }
    for (let d = outBatch.length - 1; d >= 0; d--) {
      idx += (padded[d] === 1 ? 0 : coords[d]) * stride;
      stride *= padded[d];
    }
    return idx;
  };
}

/** `a·b` into a new Float32Array; returns the output shape and data. */
export function matmul(
  blas: Blas,
  backend: MathBackendCPU,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  { transposeA, transposeB }: MatMulAttrs,
): { shape: number[]; data: Float32Array } {
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const k2 = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== k2) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${k2}) of Tensors with shapes ` +
        `${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  const av = values(backend, a), bv = values(backend, b);
  const batch = product(outBatch);
  const out = allocOutput(batch * m * n);
  const lda = transposeA ? m : k, ldb = transposeB ? k : n;
  if (!transposeA && product(batchB) === 1 && product(batchA) === batch) {
    // Fold the batch into M: one large product instead of many small ones.
    blas.sgemm(false, transposeB, batch * m, n, k, 1, av, k, bv, ldb, 0, out, n);
  } else {
    const ia = batchIndexer(outBatch, batchA), ib = batchIndexer(outBatch, batchB);
    for (let i = 0; i < batch; i++) {
      const ao = ia(i) * m * k, bo = ib(i) * k * n;
      blas.sgemm(
        transposeA,
        transposeB,
        m,
        n,
        k,
        1,
        av.subarray(ao, ao + m * k),
        lda,
        bv.subarray(bo, bo + k * n),
        ldb,
        0,
        out.subarray(i * m * n, (i + 1) * m * n),
        n,
      );
    }
  }
  return { shape: [...outBatch, m, n], data: out };
}

/** The `BatchMatMul` kernel. */
export function batchMatMulKernel(blas: Blas): KernelFn {
  const fallback = cpuKernel(tf.BatchMatMul);
  return (args) => {
    const { a, b } = args.inputs;
    if (!allFloat32(a, b)) return fallback(args);
    const { shape, data } = matmul(blas, args.backend, a, b, args.attrs as unknown as MatMulAttrs);
    return output(args.backend, shape, data);
  };
}

/** The `_FusedMatMul` kernel (bias and activation applied after the product). */
export function fusedMatMulKernel(blas: Blas): KernelFn {
  const fallback = cpuKernel(tf._FusedMatMul);
  return (args) => {
    const { a, b } = args.inputs;
    const attrs = args.attrs as unknown as MatMulAttrs & {
      activation?: string;
      leakyreluAlpha?: number;
    };
    const n = attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const epilogue = fusedEpilogue(args.backend, args.inputs, attrs, n);
    if (!epilogue || !allFloat32(a, b)) return fallback(args);
    const { shape, data } = matmul(blas, args.backend, a, b, attrs);
    epilogue(data);
    return output(args.backend, shape, data);
  };
}
