/**
 * The adapted Conv2D on OpenBLAS: `[W | U | V]` as one filter (one im2col,
 * one GEMM), then `lin + bias + s·P(u ⊙ v)` accumulated by a second GEMM
 * into the copied linear part; and the epilogue's backward producing
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
import { conv2dForward, geometry } from "./conv_kernels.ts";
import { type KernelFn, output, scratchBuffer, values } from "./kernel_util.ts";
import { allocOutput, outputPool } from "./buffer_pool.ts";

interface Attrs {
  scale: number;
  strides: [number, number];
  pad: "same" | "valid";
}

/** `QnAdaptedConv2D`: (x, w, u, v, p[, bias]) → (y [B, oh, ow, c], uv [B, oh, ow, 2r]). */
export function adaptedConv2dKernel(blas: Blas): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { scale, strides, pad } = attrs as unknown as Attrs;
    const { x: xInfo, w: wInfo } = inputs;
    const [kh, kw, cin, c] = wInfo.shape;
    const r = inputs.u.shape[3];
    const wide = c + 2 * r;
    const w = values(backend, wInfo), u = values(backend, inputs.u), v = values(backend, inputs.v);
    const p = values(backend, inputs.p);
    const bias = inputs.bias ? values(backend, inputs.bias) : undefined;
    // [K, c + 2r]: each filter row is [w row | u row | v row]
    const rowsK = kh * kw * cin;
    const wcat = new Float32Array(rowsK * wide);
    for (let i = 0; i < rowsK; i++) {
      wcat.set(w.subarray(i * c, i * c + c), i * wide);
      wcat.set(u.subarray(i * r, i * r + r), i * wide + c);
      wcat.set(v.subarray(i * r, i * r + r), i * wide + c + r);
    }
    const info = tf.backend_util.computeConv2DInfo(
      xInfo.shape as [number, number, number, number],
      [kh, kw, cin, wide],
      strides,
      1,
      pad,
      undefined,
      false,
      "channelsLast",
    );
    const all = conv2dForward(
      blas,
      values(backend, xInfo),
      wcat,
      info.batchSize,
      geometry(info),
      wide,
    );
    const rows = all.length / wide;
    const out = allocOutput(rows * c), uv = allocOutput(rows * 2 * r);
    const k = scratchBuffer(rows * r);
    for (let i = 0; i < rows; i++) {
      const src = i * wide, o = i * c, q = i * 2 * r, ko = i * r;
      if (bias) { for (let j = 0; j < c; j++) out[o + j] = all[src + j] + bias[j]; }
      else out.set(all.subarray(src, src + c), o);
      uv.set(all.subarray(src + c, src + wide), q);
      for (let j = 0; j < r; j++) k[ko + j] = all[src + c + j] * all[src + c + r + j];
    }
    outputPool.recycle(all);
    blas.sgemm(false, false, rows, c, r, scale, k, r, p, c, 1, out, c);
    const lead = [info.batchSize, info.outHeight, info.outWidth];
    return [output(backend, [...lead, c], out), output(backend, [...lead, 2 * r], uv)];
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
