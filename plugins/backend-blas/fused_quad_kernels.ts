/**
 * The quadratic adapter's fused epilogue on OpenBLAS: `s·(u ⊙ v)·P` from
 * `uv = [u | v]` in one elementwise pass and one GEMM, and its backward
 * (d(uv) and dP) in two GEMMs and one pass. The op and its composite
 * fallback live in core (`quadEpilogue`).
 *
 * @example
 * ```ts
 * import { FUSED, tf } from "@quadranet/core";
 * import { openBlas } from "./blas_library.ts";
 * import { quadEpilogueKernel } from "./fused_quad_kernels.ts";
 * tf.registerKernel({ kernelName: FUSED.quadEpilogue, backendName: "blas", kernelFunc: quadEpilogueKernel(openBlas()) as never });
 * ```
 * @module
 */
import type { Blas } from "./blas_library.ts";
import { type KernelFn, output, scratchBuffer, values } from "./kernel_util.ts";
import { allocOutput } from "./buffer_pool.ts";

/** k = u ⊙ v for `uv` rows of 2r, into `k` (rows of r). */
function hadamard(uv: Float32Array, k: Float32Array, rows: number, r: number): void {
  for (let i = 0, o = 0; i < rows; i++, o += r) {
    const base = 2 * o;
    for (let j = 0; j < r; j++) k[o + j] = uv[base + j] * uv[base + r + j];
  }
}

/** `QnQuadEpilogue`: (uv [..., 2r], p [r, c]) → s·(u ⊙ v)·P [..., c]. */
export function quadEpilogueKernel(blas: Blas): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { scale } = attrs as unknown as { scale: number };
    const uvInfo = inputs.uv, pInfo = inputs.p;
    const [r, c] = pInfo.shape;
    const uv = values(backend, uvInfo), p = values(backend, pInfo);
    const rows = uv.length / (2 * r);
    const k = scratchBuffer(rows * r);
    hadamard(uv, k, rows, r);
    const out = allocOutput(rows * c);
    blas.sgemm(false, false, rows, c, r, scale, k, r, p, c, 0, out, c);
    return output(backend, [...uvInfo.shape.slice(0, -1), c], out);
  };
}

/**
 * `QnQuadEpilogueGrad`: (dy, uv, p) → (d(uv), dP) with k = u ⊙ v:
 * g_k = s·dy·Pᵀ, dP = s·kᵀ·dy, du = g_k ⊙ v, dv = g_k ⊙ u.
 */
export function quadEpilogueGradKernel(blas: Blas): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { scale } = attrs as unknown as { scale: number };
    const uvInfo = inputs.uv, pInfo = inputs.p;
    const [r, c] = pInfo.shape;
    const uv = values(backend, uvInfo), p = values(backend, pInfo);
    const dy = values(backend, inputs.dy);
    const rows = uv.length / (2 * r);
    const k = scratchBuffer(2 * rows * r);
    const gk = k.subarray(rows * r);
    hadamard(uv, k, rows, r);
    const dp = new Float32Array(r * c);
    blas.sgemm(true, false, r, c, rows, scale, k, r, dy, c, 0, dp, c);
    blas.sgemm(false, true, rows, r, c, scale, dy, c, p, c, 0, gk, r);
    const duv = allocOutput(uv.length);
    for (let i = 0, o = 0; i < rows; i++, o += r) {
      const base = 2 * o;
      for (let j = 0; j < r; j++) {
        const g = gk[o + j];
        duv[base + j] = g * uv[base + r + j];
        duv[base + r + j] = g * uv[base + j];
      }
    }
    return [output(backend, uvInfo.shape, duv), output(backend, pInfo.shape, dp)];
  };
}

/**
 * `QnQuadResidual`: (y [..., c + 2r] = [lin | u | v], p [r, c][, bias [c]])
 * → lin (+ bias) + s·(u ⊙ v)·P: one copy pass and one GEMM accumulating
 * into it.
 */
export function quadResidualKernel(blas: Blas): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { scale } = attrs as unknown as { scale: number };
    const yInfo = inputs.y, pInfo = inputs.p;
    const [r, c] = pInfo.shape;
    const y = values(backend, yInfo), p = values(backend, pInfo);
    const bias = inputs.bias ? values(backend, inputs.bias) : undefined;
    const w = c + 2 * r;
    const rows = y.length / w;
    const k = scratchBuffer(rows * r);
    const out = allocOutput(rows * c);
    for (let i = 0; i < rows; i++) {
      const o = i * c, src = i * w, ko = i * r;
      if (bias) { for (let j = 0; j < c; j++) out[o + j] = y[src + j] + bias[j]; }
      else for (let j = 0; j < c; j++) out[o + j] = y[src + j];
      const u = src + c, v = src + c + r;
      for (let j = 0; j < r; j++) k[ko + j] = y[u + j] * y[v + j];
    }
    blas.sgemm(false, false, rows, c, r, scale, k, r, p, c, 1, out, c);
    return output(backend, [...yInfo.shape.slice(0, -1), c], out);
  };
}
