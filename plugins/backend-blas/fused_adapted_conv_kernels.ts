/**
 * The adapted Conv2D on OpenBLAS: one im2col shared by W and `[U | V]`, then
 * `lin + bias + s·P(u ⊙ v)` accumulated by a third GEMM, chunk by chunk; and the epilogue's backward producing
 * `[dy | d(uv)]` for the single input-gradient GEMM. The op, its gradient
 * and the composite fallback live in core (`adaptedConv2d`).
 *
 * @example
 * ```ts
 * import { FUSED, tf } from "@quadranet/core";
 * import { openBlas } from "./blas_library.ts";
 * import { adaptedConv2dKernel } from "./fused_adapted_conv_kernels.ts";
 * tf.registerKernel({ kernelName: FUSED.adaptedConv2d, backendName: "blas", kernelFunc: adaptedConv2dKernel(openBlas()) as never });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { Blas } from "./blas_library.ts";
import { forEachPatchChunk, geometry } from "./conv_kernels.ts";
import { patchSize } from "./im2col.ts";
import { type KernelFn, output, scratchBuffer, values } from "./kernel_util.ts";
import { allocOutput } from "./buffer_pool.ts";

// `[W | U | V]` per W data id, valid while U and V keep their data ids (data
// ids are never reused, unlike arrays, which the output pool recycles): an
// inference pass concatenates each layer's filter once, not per call.
const filters = new WeakMap<object, { u: object; v: object; cat: Float32Array }>();

function concatenatedFilter(
  w: tf.TensorInfo,
  u: tf.TensorInfo,
  v: tf.TensorInfo,
  make: () => Float32Array,
): Float32Array {
  const hit = filters.get(w.dataId);
  if (hit && hit.u === u.dataId && hit.v === v.dataId) return hit.cat;
  const cat = make();
  filters.set(w.dataId, { u: u.dataId, v: v.dataId, cat });
  return cat;
}

interface Attrs {
  scale: number;
  strides: [number, number];
  pad: "same" | "valid";
  /** false when no gradient is recorded: uv is then not kept (an empty second output). */
  keepUv?: boolean;
}

/**
 * `QnAdaptedConv2D`: (x, w, u, v, p[, bias]) → (y [B, oh, ow, c], uv [B, oh, ow, 2r]).
 * Per cache-sized chunk of patch rows: one im2col, one GEMM with `[W | U | V]`
 * into a chunk buffer, a pass copying lin (+ bias) and uv out of it and
 * forming u ⊙ v, and `s·(u ⊙ v)·P` added into y by a second GEMM, all while
 * the chunk is in cache (three GEMMs, W and U|V apart, measured slower).
 */
export function adaptedConv2dKernel(blas: Blas): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { scale, strides, pad, keepUv = true } = attrs as unknown as Attrs;
    const { x: xInfo, w: wInfo } = inputs;
    const [kh, kw, cin, c] = wInfo.shape;
    const r = inputs.u.shape[3], r2 = 2 * r;
    const w = values(backend, wInfo), u = values(backend, inputs.u), v = values(backend, inputs.v);
    const p = values(backend, inputs.p);
    const bias = inputs.bias ? values(backend, inputs.bias) : undefined;
    const wide = c + r2;
    const wcat = concatenatedFilter(wInfo, inputs.u, inputs.v, () => {
      // [K, c + 2r]: each filter row is [w row | u row | v row]
      const rowsK = kh * kw * cin, cat = new Float32Array(rowsK * wide);
      for (let i = 0; i < rowsK; i++) {
        cat.set(w.subarray(i * c, i * c + c), i * wide);
        cat.set(u.subarray(i * r, i * r + r), i * wide + c);
        cat.set(v.subarray(i * r, i * r + r), i * wide + c + r);
      }
      return cat;
    });
    const info = tf.backend_util.computeConv2DInfo(
      xInfo.shape as [number, number, number, number],
      [kh, kw, cin, c],
      strides,
      1,
      pad,
      undefined,
      false,
      "channelsLast",
    );
    const g = geometry(info), k = patchSize(g);
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const out = allocOutput(rows * c);
    const uvAll = keepUv ? allocOutput(rows * r2) : undefined;
    forEachPatchChunk(values(backend, xInfo), g, info.batchSize, (r0, r1, cols) => {
      const n = r1 - r0, y = out.subarray(r0 * c, r1 * c);
      const all = scratchBuffer(n * wide, 2), prod = scratchBuffer(n * r, 3);
      blas.sgemm(false, false, n, wide, k, 1, cols, k, wcat, wide, 0, all, wide);
      for (let i = 0; i < n; i++) {
        const a = i * wide, o = i * c, q = i * r;
        if (bias) { for (let j = 0; j < c; j++) y[o + j] = all[a + j] + bias[j]; }
        else for (let j = 0; j < c; j++) y[o + j] = all[a + j];
        for (let j = 0; j < r; j++) prod[q + j] = all[a + c + j] * all[a + c + r + j];
      }
      if (uvAll) {
        for (let i = 0; i < n; i++) {
          const a = i * wide + c, q = (r0 + i) * r2;
          for (let j = 0; j < r2; j++) uvAll[q + j] = all[a + j];
        }
      }
      blas.sgemm(false, false, n, c, r, scale, prod, r, p, c, 1, y, c);
    });
    const lead = [info.batchSize, info.outHeight, info.outWidth];
    return [
      output(backend, [...lead, c], out),
      output(backend, [...lead, uvAll ? r2 : 0], uvAll ?? new Float32Array(0)),
    ];
  };
}

/**
 * `QnQuadResidualGrad`: (dy [.., c], uv [.., 2r], p [r, c][, duvIn [.., 2r]])
 * → ([dy | d(uv)], d(uv), dP) with g_k = s·dy·Pᵀ, d(uv) = [g_k ⊙ v | g_k ⊙ u]
 * + duvIn (zero when absent), dP = s·(u ⊙ v)ᵀ·dy.
 */
export function quadResidualGradKernel(blas: Blas): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { scale } = attrs as unknown as { scale: number };
    const [r, c] = inputs.p.shape;
    const dy = values(backend, inputs.dy), uv = values(backend, inputs.uv);
    const p = values(backend, inputs.p);
    const extra = inputs.duvIn ? values(backend, inputs.duvIn) : undefined;
    const rows = dy.length / c, wide = c + 2 * r;
    const k = scratchBuffer(2 * rows * r), gk = k.subarray(rows * r);
    for (let i = 0, o = 0; i < rows; i++, o += r) {
      for (let j = 0; j < r; j++) k[o + j] = uv[2 * o + j] * uv[2 * o + r + j];
    }
    const dp = new Float32Array(r * c);
    blas.sgemm(true, false, r, c, rows, scale, k, r, dy, c, 0, dp, c);
    blas.sgemm(false, true, rows, r, c, scale, dy, c, p, c, 0, gk, r);
    const all = allocOutput(rows * wide), duv = allocOutput(rows * 2 * r);
    for (let i = 0; i < rows; i++) {
      const o = i * r, q = 2 * o, a = i * wide;
      all.set(dy.subarray(i * c, i * c + c), a);
      for (let j = 0; j < r; j++) {
        const g = gk[o + j];
        let du = g * uv[q + r + j], dv = g * uv[q + j];
        if (extra) {
          du += extra[q + j];
          dv += extra[q + r + j];
        }
        duv[q + j] = all[a + c + j] = du;
        duv[q + r + j] = all[a + c + r + j] = dv;
      }
    }
    const lead = inputs.dy.shape.slice(0, -1);
    return [
      output(backend, [...lead, wide], all),
      output(backend, [...lead, 2 * r], duv),
      output(backend, [r, c], dp),
    ];
  };
}
