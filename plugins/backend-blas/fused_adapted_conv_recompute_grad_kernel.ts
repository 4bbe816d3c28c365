/**
 * `QnAdaptedConv2DRecomputeGrad`: the adapted Conv2D's backward under
 * `backprop: "recompute"` with one im2col per batch chunk. Per chunk the
 * patch matrix gives `[Ux | Vx]` (a GEMM with 2r columns), the epilogue's
 * backward runs on those rows (`g_k = s·dy·Pᵀ`, `d(uv) = [g_k ⊙ v | g_k ⊙ u]`,
 * `dP += s·(u ⊙ v)ᵀ·dy`), and the same patch matrix gives the U|V filter
 * gradient (`colsᵀ · d(uv)`): recomputing uv costs one thin GEMM, not a second
 * im2col. Outputs `[dy | d(uv)]` for the single input-gradient GEMM (W, U, V
 * together), the U|V filter gradient `[kh, kw, cin, 2r]` and dP. uv itself
 * never becomes a tensor.
 *
 * @example
 * ```ts
 * import { FUSED, tf } from "@quadranet/core";
 * import { openBlas } from "./blas_library.ts";
 * import { adaptedConv2dRecomputeGradKernel } from "./fused_adapted_conv_recompute_grad_kernel.ts";
 * tf.registerKernel({ kernelName: FUSED.adaptedConv2dRecomputeGrad, backendName: "blas", kernelFunc: adaptedConv2dRecomputeGradKernel(openBlas()) as never });
 * ```
 * @module
 */
import type { Blas } from "./blas_library.ts";
import { convInfo, geometry } from "./conv_kernels.ts";
import { im2col, patchSize } from "./im2col.ts";
import { CHUNK_FLOATS, type KernelFn, output, scratchBuffer, values } from "./kernel_util.ts";

interface Attrs {
  scale: number;
  strides: [number, number];
  pad: "same" | "valid";
}

/**
 * (dy, x, u, v, p) → ([dy | d(uv)] `[B, oh, ow, c + 2r]`, d[U|V] `[kh, kw, cin, 2r]`, dP `[r, c]`);
 * `chunkFloats` bounds the patch matrix (tests force several chunks with it).
 */
export function adaptedConv2dRecomputeGradKernel(
  blas: Blas,
  chunkFloats = CHUNK_FLOATS,
): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as Attrs;
    const [kh, kw, cin, r] = inputs.u.shape;
    const [, c] = inputs.p.shape;
    const info = convInfo(inputs.x.shape, [kh, kw, cin, 2 * r], { ...a, dataFormat: "NHWC" }, 1);
    const g = geometry(info), k = patchSize(g), r2 = 2 * r, wide = c + r2, s = a.scale;
    const x = values(backend, inputs.x), dy = values(backend, inputs.dy);
    const u = values(backend, inputs.u), v = values(backend, inputs.v);
    const p = values(backend, inputs.p);
    const uvw = new Float32Array(k * r2); // [K, 2r]: each row [u row | v row]
    for (let i = 0; i < k; i++) {
      uvw.set(u.subarray(i * r, i * r + r), i * r2);
      uvw.set(v.subarray(i * r, i * r + r), i * r2 + r);
    }
    const batch = info.batchSize, rowsPerImage = g.outH * g.outW;
    const per = Math.max(1, Math.min(batch, Math.floor(chunkFloats / (rowsPerImage * k))));
    const maxRows = per * rowsPerImage;
    const cols = scratchBuffer(maxRows * k); // the only scratch user here
    const uv = new Float32Array(maxRows * r2), duv = new Float32Array(maxRows * r2);
    const kk = new Float32Array(maxRows * r), gk = new Float32Array(maxRows * r);
    const all = new Float32Array(batch * rowsPerImage * wide);
    const dUV = new Float32Array(k * r2), dp = new Float32Array(r * c);
    for (let b0 = 0; b0 < batch; b0 += per) {
      const b1 = Math.min(batch, b0 + per), rows = (b1 - b0) * rowsPerImage;
      const first = b0 === 0 ? 0 : 1; // beta: overwrite on the first chunk, then accumulate
      const dyc = dy.subarray(b0 * rowsPerImage * c, (b0 * rowsPerImage + rows) * c);
      im2col(x, g, b0 * rowsPerImage, b0 * rowsPerImage + rows, cols); // patch rows of images [b0, b1)
      blas.sgemm(false, false, rows, r2, k, 1, cols, k, uvw, r2, 0, uv, r2); // recomputed
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < r; j++) kk[i * r + j] = uv[i * r2 + j] * uv[i * r2 + r + j];
      }
      blas.sgemm(true, false, r, c, rows, s, kk, r, dyc, c, first, dp, c);
      blas.sgemm(false, true, rows, r, c, s, dyc, c, p, c, 0, gk, r);
      for (let i = 0; i < rows; i++) {
        const q = i * r2, o = (b0 * rowsPerImage + i) * wide;
        all.set(dyc.subarray(i * c, i * c + c), o);
        for (let j = 0; j < r; j++) {
          const gj = gk[i * r + j];
          const du = gj * uv[q + r + j], dv = gj * uv[q + j];
          duv[q + j] = all[o + c + j] = du;
          duv[q + r + j] = all[o + c + r + j] = dv;
        }
      }
      blas.sgemm(true, false, k, r2, rows, 1, cols, k, duv, r2, first, dUV, r2);
    }
    return [
      output(backend, [batch, g.outH, g.outW, wide], all),
      output(backend, [kh, kw, cin, r2], dUV),
      output(backend, [r, c], dp),
    ];
  };
}
