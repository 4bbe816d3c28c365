/**
 * Fused operations: one kernel where tfjs would run dozens (the optimizer
 * update, BatchNorm's training forward and backward, softmax cross-entropy,
 * the quadratic adapter's `s·P(u ⊙ v)`). Each op runs its kernel when the
 * current backend registers one (the `blas` plugin does) and otherwise a
 * composite of ordinary tfjs ops, so every backend stays correct.
 *
 * @example
 * ```ts
 * import { fusedKernelAvailable, FUSED, setFusedOps } from "@quadranet/core";
 * setFusedOps(false); // composite everywhere (e.g. to compare)
 * fusedKernelAvailable(FUSED.adam); // false now
 * setFusedOps(true);
 * ```
 * @module
 */
import { tf } from "../tf.ts";

/** Kernel names of the fused ops (a backend registers kernels under these). */
export const FUSED = {
  /** Adam/AdamW over a list of variables: inputs w{i}, g{i}, m{i}, v{i}; outputs w', m', v' per i. */
  adam: "QnAdamUpdate",
  /** SGD (momentum, Nesterov) over a list: inputs w{i}, g{i}[, b{i}]; outputs w'[, b'] per i. */
  sgd: "QnSgdUpdate",
  /** Σ of squares of every input: one float32 scalar. */
  sumSquares: "QnSumSquares",
  /** BatchNorm with batch statistics; outputs y, mean, variance, new moving mean/variance. */
  batchNormTrain: "QnBatchNormTrain",
  /** Its backward: outputs dx, dγ, dβ. */
  batchNormTrainGrad: "QnBatchNormTrainGrad",
  /** BatchNorm with given (moving) statistics: y = γ(x-μ)/√(σ²+ε) + β. */
  batchNormInfer: "QnBatchNormInfer",
  /** Its backward: outputs dx, dμ, dσ², dγ, dβ. */
  batchNormInferGrad: "QnBatchNormInferGrad",
  /** Softmax cross-entropy with label smoothing, mean over the batch: outputs loss, softmax. */
  softmaxXent: "QnSoftmaxXent",
  /** Its backward: output dlogits. */
  softmaxXentGrad: "QnSoftmaxXentGrad",
  /** `s · (u ⊙ v) · P` from `uv = [u | v]` (last axis 2r) and P `[r, c]`. */
  quadEpilogue: "QnQuadEpilogue",
  /** Its backward: outputs d(uv), dP. */
  quadEpilogueGrad: "QnQuadEpilogueGrad",
  /**
   * An adapted Conv2D whose U, V read the primary's window: one im2col and one
   * GEMM for `[lin | u | v]`, then the residual epilogue; outputs y and uv (empty
   * when attr `keepUv` is false: no gradient is recorded).
   */
  adaptedConv2d: "QnAdaptedConv2D",
  /**
   * The same forward for `backprop: "recompute"`: its backward recomputes uv
   * from x instead of keeping it; a backend may return y alone (blas does).
   */
  adaptedConv2dRecompute: "QnAdaptedConv2DRecompute",
  /** Backward of the epilogue for it: (dy, uv, P[, d(uv)]) → [dy | d(uv)], d(uv), dP. */
  quadResidualGrad: "QnQuadResidualGrad",
  /**
   * The recompute backward in one kernel where the backend has it: (dy, x, U, V, P) →
   * [dy | d(uv)], the U|V filter gradient, dP, with uv recomputed from the same im2col.
   */
  adaptedConv2dRecomputeGrad: "QnAdaptedConv2DRecomputeGrad",
  /**
   * An adapted DepthwiseConv2D (W, U, V per channel, P `[c, r, m]`): outputs y
   * and, with attribute `saveUv`, `[Ux | Vx]` for the backward pass.
   */
  adaptedDepthwise: "QnAdaptedDepthwiseConv2D",
  /** Its backward (dy, x, W, U, V, P[, uv]; uv recomputed when absent) → dx, dW, dU, dV, dP, dbias. */
  adaptedDepthwiseGrad: "QnAdaptedDepthwiseConv2DGrad",
  /** ReLU's gradient `dy ⊙ step(x)` in one pass (inputs dy, x). */
  reluGrad: "QnReluGrad",
  /** Adapted layer inference: `y[..., :c] (+ bias) + s·(u ⊙ v)·P` from `y = [lin | u | v]`. */
  quadResidual: "QnQuadResidual",
} as const;

/** Environment variable: `0` turns the fused kernels off (composites everywhere), e.g. to compare. */
export const FUSED_ENV = "QUADRANET_FUSED";

function envEnabled(): boolean {
  try {
    return Deno.env.get(FUSED_ENV) !== "0";
  } catch {
    return true; // no --allow-env: the default
  }
}

let enabled = envEnabled();

/** Turns the fused kernels on or off process-wide (off: composites everywhere). */
export function setFusedOps(on: boolean): void {
  enabled = on;
}

/** Whether fused kernels are on (see {@link setFusedOps}). */
export function fusedOpsEnabled(): boolean {
  return enabled;
}

/** Whether fused kernel `name` runs on the current backend (and fused ops are on). */
export function fusedKernelAvailable(name: string): boolean {
  return enabled && tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Whether tfjs is recording a gradient tape now (inside `tf.grad`, `variableGrads`, ...). */
export function recordingGradients(): boolean {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}

/** Runs a fused kernel by name (its outputs as tensors). */
export function runFused(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown> = {},
): tf.Tensor[] {
  const out = tf.engine().runKernel(
    name,
    inputs as unknown as tf.NamedTensorMap,
    attrs as tf.NamedAttrMap,
  );
  return Array.isArray(out) ? out as tf.Tensor[] : [out as tf.Tensor];
}
