/**
 * Fused BatchNorm kernels for the blas backend (channels last): the
 * training forward in two passes over x (Σx and Σx², normalise) and
 * its backward in two (per-channel sums, then dx), instead of ~55 tfjs
 * kernels; inference mode's backward in one pass. Sums accumulate in
 * float64. The ops and composite fallbacks live in core (`batchNormTraining`,
 * `batchNormInference`).
 *
 * @example
 * ```ts
 * import { FUSED, tf } from "@quadranet/core";
 * import { batchNormTrainKernel } from "./fused_batch_norm_kernels.ts";
 * tf.registerKernel({ kernelName: FUSED.batchNormTrain, backendName: "blas", kernelFunc: batchNormTrainKernel() as never });
 * ```
 * @module
 */
import type { KernelFn } from "./kernel_util.ts";
import { output, values } from "./kernel_util.ts";
import { allocOutput } from "./buffer_pool.ts";

/** `QnBatchNormTrain`: (x, γ, β, moving μ, moving σ²) → (y, μ, σ², moving μ', moving σ²'). */
export function batchNormTrainKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { epsilon, momentum } = attrs as unknown as { epsilon: number; momentum: number };
    const xInfo = inputs.x;
    const x = values(backend, xInfo);
    const gamma = values(backend, inputs.gamma), beta = values(backend, inputs.beta);
    const mm = values(backend, inputs.movingMean), mv = values(backend, inputs.movingVariance);
    const c = xInfo.shape[xInfo.shape.length - 1];
    const n = x.length / c;
    // One pass for Σx and Σx² (float64, shifted by the first row against
    // cancellation), one to normalise.
    const s1 = new Float64Array(c), s2 = new Float64Array(c), shiftRef = x.slice(0, c);
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) {
        const d = x[i + k] - shiftRef[k];
        s1[k] += d;
        s2[k] += d * d;
      }
    }
    const mean = new Float32Array(c), variance = new Float32Array(c);
    const scale = new Float32Array(c), shift = new Float32Array(c);
    const newMean = new Float32Array(c), newVar = new Float32Array(c);
    const decay = 1 - momentum;
    for (let k = 0; k < c; k++) {
      const m = s1[k] / n;
      mean[k] = shiftRef[k] + m;
      variance[k] = Math.max(s2[k] / n - m * m, 0);
      scale[k] = gamma[k] / Math.sqrt(variance[k] + epsilon);
      shift[k] = beta[k] - mean[k] * scale[k];
      newMean[k] = mm[k] - (mm[k] - mean[k]) * decay;
      newVar[k] = mv[k] - (mv[k] - variance[k]) * decay;
    }
    const y = allocOutput(x.length);
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) y[i + k] = x[i + k] * scale[k] + shift[k];
    }
    return [
      output(backend, xInfo.shape, y),
      output(backend, [c], mean),
      output(backend, [c], variance),
      output(backend, [c], newMean),
      output(backend, [c], newVar),
    ];
  };
}

/**
 * `QnBatchNormTrainGrad`: (dy, x, γ, μ, σ², dμ, dσ²) → (dx, dγ, dβ), with
 * x̂ = (x − μ)/√(σ² + ε) and N values per channel:
 * dβ = Σdy, dγ = Σdy·x̂,
 * dx = γ/√(σ² + ε)·(dy − dβ/N − x̂·dγ/N) + dμ/N + dσ²·2(x − μ)/N.
 */
export function batchNormTrainGradKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { epsilon } = attrs as unknown as { epsilon: number };
    const xInfo = inputs.x;
    const x = values(backend, xInfo), dy = values(backend, inputs.dy);
    const gamma = values(backend, inputs.gamma);
    const mean = values(backend, inputs.mean), variance = values(backend, inputs.variance);
    const dmean = values(backend, inputs.dmean), dvar = values(backend, inputs.dvar);
    const c = xInfo.shape[xInfo.shape.length - 1];
    const n = x.length / c;
    const sdy = new Float64Array(c), sdyx = new Float64Array(c);
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) {
        const g = dy[i + k];
        sdy[k] += g;
        sdyx[k] += g * (x[i + k] - mean[k]);
      }
    }
    const dgamma = new Float32Array(c), dbeta = new Float32Array(c);
    // dx = a·dy + b·(x − μ) + d per channel.
    const a = new Float32Array(c), b = new Float32Array(c), d = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      const inv = 1 / Math.sqrt(variance[k] + epsilon);
      dbeta[k] = sdy[k];
      dgamma[k] = sdyx[k] * inv;
      a[k] = gamma[k] * inv;
      b[k] = -gamma[k] * inv * inv * inv * sdyx[k] / n + 2 * dvar[k] / n;
      d[k] = -gamma[k] * inv * sdy[k] / n + dmean[k] / n;
    }
    const dx = allocOutput(x.length);
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) {
        dx[i + k] = a[k] * dy[i + k] + b[k] * (x[i + k] - mean[k]) + d[k];
      }
    }
    return [
      output(backend, xInfo.shape, dx),
      output(backend, [c], dgamma),
      output(backend, [c], dbeta),
    ];
  };
}

/** `QnBatchNormInfer`: (x, μ, σ², γ, β) → γ(x − μ)/√(σ² + ε) + β. */
export function batchNormInferKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { epsilon } = attrs as unknown as { epsilon: number };
    const xInfo = inputs.x;
    const x = values(backend, xInfo);
    const mean = values(backend, inputs.mean), variance = values(backend, inputs.variance);
    const gamma = values(backend, inputs.gamma), beta = values(backend, inputs.beta);
    const c = xInfo.shape[xInfo.shape.length - 1];
    const scale = new Float32Array(c), shift = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      scale[k] = gamma[k] / Math.sqrt(variance[k] + epsilon);
      shift[k] = beta[k] - mean[k] * scale[k];
    }
    const y = allocOutput(x.length);
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) y[i + k] = x[i + k] * scale[k] + shift[k];
    }
    return output(backend, xInfo.shape, y);
  };
}

/**
 * `QnBatchNormInferGrad`: (dy, x, μ, σ², γ) → (dx, dμ, dσ², dγ, dβ) in one
 * pass: dx = a·dy with a = γ/√(σ² + ε); dβ = Σdy; dγ = Σdy·(x − μ)/√(σ² + ε);
 * dμ = −a·Σdy; dσ² = −½γ(σ² + ε)^(−3/2)·Σdy·(x − μ).
 */
export function batchNormInferGradKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { epsilon } = attrs as unknown as { epsilon: number };
    const xInfo = inputs.x;
    const x = values(backend, xInfo), dy = values(backend, inputs.dy);
    const mean = values(backend, inputs.mean), variance = values(backend, inputs.variance);
    const gamma = values(backend, inputs.gamma);
    const c = xInfo.shape[xInfo.shape.length - 1];
    const inv = new Float32Array(c), a = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      inv[k] = 1 / Math.sqrt(variance[k] + epsilon);
      a[k] = gamma[k] * inv[k];
    }
    const sdy = new Float64Array(c), sdyx = new Float64Array(c);
    const dx = allocOutput(x.length);
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) {
        const g = dy[i + k];
        dx[i + k] = a[k] * g;
        sdy[k] += g;
        sdyx[k] += g * (x[i + k] - mean[k]);
      }
    }
    const dmean = new Float32Array(c), dvar = new Float32Array(c);
    const dgamma = new Float32Array(c), dbeta = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      dbeta[k] = sdy[k];
      dgamma[k] = sdyx[k] * inv[k];
      dmean[k] = -a[k] * sdy[k];
      dvar[k] = -0.5 * gamma[k] * inv[k] * inv[k] * inv[k] * sdyx[k];
    }
    const s = [c];
    return [
      output(backend, xInfo.shape, dx),
      output(backend, s, dmean),
      output(backend, s, dvar),
      output(backend, s, dgamma),
      output(backend, s, dbeta),
    ];
  };
}
