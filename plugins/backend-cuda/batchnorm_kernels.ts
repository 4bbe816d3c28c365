/**
 * NVRTC sources for BatchNorm over NHWC (channels innermost, `rows = N·H·W`):
 *
 * - forward: `y = (x − mean[c])·invStd[c]·scale[c] + offset[c]` with
 *   `invStd = 1/√(var + ε)`, one pass (tfjs' FusedBatchNorm);
 * - statistics: per-channel mean and biased variance in one kernel;
 * - backward (training mode, batch statistics), with `x̂ = (x − mean)·invStd`:
 *   `dOffset = Σ dy`, `dScale = Σ dy·x̂`,
 *   `dx = scale·invStd/rows · (rows·dy − dOffset − x̂·dScale)`.
 *
 * Channel sums use one thread per channel striding the rows; coalesced
 * enough for NHWC at these channel counts, and simple to verify.
 *
 * @example
 * ```ts
 * import { batchNormForwardSource } from "./batchnorm_kernels.ts";
 * const k = batchNormForwardSource(); // x, mean, varr, scale, offset, y, n, C, eps
 * ```
 * @module
 */
import { kernel, type KernelSource } from "./kernel_source.ts";

/** Inference/forward normalisation with given statistics. */
export function batchNormForwardSource(): KernelSource {
  return kernel(
    "qn_batchnorm_forward",
    [
      ["x", "ptr"],
      ["mean", "ptr"],
      ["varr", "ptr"],
      ["scale", "ptr"],
      ["offset", "ptr"],
      ["y", "ptr"],
      ["n", "i32"],
      ["C", "i32"],
      ["eps", "f32"],
    ],
    `  GRID_LOOP(i, n) {
    int c = i % C;
    y[i] = (x[i] - mean[c]) * rsqrtf(varr[c] + eps) * scale[c] + offset[c];
  }`,
  );
}

/** Per-channel mean and biased variance of `x` viewed as `[rows, C]` (two-pass in registers). */
export function batchNormStatsSource(): KernelSource {
  return kernel(
    "qn_batchnorm_stats",
    [["x", "ptr"], ["mean", "ptr"], ["varr", "ptr"], ["rows", "i32"], ["C", "i32"]],
    `  GRID_LOOP(c, C) {
    float s = 0.0f;
    for (int r = 0; r < rows; r++) s += x[(long long)r * C + c];
    float m = s / rows, q = 0.0f;
    for (int r = 0; r < rows; r++) { float d = x[(long long)r * C + c] - m; q += d * d; }
    mean[c] = m;
    varr[c] = q / rows;
  }`,
  );
}

/** Channel sums of the backward pass: `dOffset = Σ dy`, `dScale = Σ dy·x̂`. */
export function batchNormBackwardReduceSource(): KernelSource {
  return kernel(
    "qn_batchnorm_backward_reduce",
    [
      ["x", "ptr"],
      ["dy", "ptr"],
      ["mean", "ptr"],
      ["invStd", "ptr"],
      ["dScale", "ptr"],
      ["dOffset", "ptr"],
      ["rows", "i32"],
      ["C", "i32"],
    ],
    `  GRID_LOOP(c, C) {
    float m = mean[c], is = invStd[c], sdy = 0.0f, sdyx = 0.0f;
    for (int r = 0; r < rows; r++) {
      long long k = (long long)r * C + c;
      float g = dy[k];
      sdy += g;
      sdyx += g * (x[k] - m) * is;
    }
    dOffset[c] = sdy;
    dScale[c] = sdyx;
  }`,
  );
}

/** `dx` of the backward pass, from the channel sums. */
export function batchNormBackwardInputSource(): KernelSource {
  return kernel(
    "qn_batchnorm_backward_input",
    [
      ["x", "ptr"],
      ["dy", "ptr"],
      ["mean", "ptr"],
      ["invStd", "ptr"],
      ["scale", "ptr"],
      ["dScale", "ptr"],
      ["dOffset", "ptr"],
      ["dx", "ptr"],
      ["n", "i32"],
      ["C", "i32"],
      ["rows", "i32"],
    ],
    `  GRID_LOOP(i, n) {
    int c = i % C;
    float is = invStd[c], xhat = (x[i] - mean[c]) * is;
    dx[i] = scale[c] * is / rows * (rows * dy[i] - dOffset[c] - xhat * dScale[c]);
  }`,
  );
}
