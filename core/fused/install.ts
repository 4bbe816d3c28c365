/**
 * The one place where the project changes TensorFlow.js itself, and only
 * when asked: {@link installFusedOps} registers the gradients of the fused
 * kernels (`FUSED`), routes ReLU's gradient through `QnReluGrad` and
 * tfjs-layers' `BatchNormalization` through the fused BatchNorm ops. Each
 * still falls back to tfjs' own code wherever the backend has no fused
 * kernel, so installing is safe on every backend. Importing
 * `@quadranet/core` installs nothing; a backend that registers fused
 * kernels (the `blas` plugin) calls it when it registers.
 *
 * @example
 * ```ts
 * import { fusedOpsInstalled, installFusedOps } from "@quadranet/core";
 * installFusedOps(); // idempotent
 * fusedOpsInstalled(); // true
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import {
  batchNormalizationClass,
  batchNormInferGradient,
  batchNormTrainGradient,
  fusedBatchNormCall,
} from "./batch_norm.ts";
import { fusedReluGradient } from "./relu_grad.ts";
import { softmaxXentGradient } from "./softmax_xent.ts";
import { quadEpilogueGradient, quadResidualGradient } from "./quad_epilogue.ts";
import { adaptedConv2dGradient, adaptedConv2dRecomputeGradient } from "./adapted_conv.ts";

let installed = false;

/**
 * Installs the fused ops into tfjs (idempotent): the gradients of the fused
 * kernels, ReLU's one-kernel gradient and the fused path of tfjs-layers'
 * `BatchNormalization`. Call it from any backend that registers kernels
 * under `FUSED`'s names; the `blas` backend's registration does.
 */
export function installFusedOps(): void {
  if (installed) return;
  for (
    const g of [
      batchNormTrainGradient,
      batchNormInferGradient,
      softmaxXentGradient,
      quadEpilogueGradient,
      quadResidualGradient,
      adaptedConv2dGradient,
      adaptedConv2dRecomputeGradient,
    ]
  ) tf.registerGradient(g);
  const relu = tf.getGradient(tf.Relu);
  if (!relu) throw new Error("tfjs registers no gradient for Relu; cannot wrap it");
  tf.registerGradient(fusedReluGradient(relu));
  const bn = batchNormalizationClass();
  bn.prototype.call = fusedBatchNormCall(bn.prototype.call);
  installed = true;
}

/** Whether {@link installFusedOps} has run in this process. */
export function fusedOpsInstalled(): boolean {
  return installed;
}
