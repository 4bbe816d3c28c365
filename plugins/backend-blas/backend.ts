/**
 * The `blas` TensorFlow.js backend: tfjs' cpu backend (its storage and every
 * kernel) with the hot kernels replaced by OpenBLAS through FFI.
 *
 * @example
 * ```ts
 * import { FUSED, installFusedOps, tf } from "@quadranet/core";
 * import { registerBlasBackend } from "@quadranet/backend-blas";
 * registerBlasBackend(); // throws BlasUnavailableError when no BLAS loads
 * await tf.setBackend("blas");
 * ```
 * @module
 */
import { FUSED, installFusedOps, tf } from "@quadranet/core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { type Blas, openBlas } from "./blas_library.ts";
import {
  conv2dBackpropFilterKernel,
  conv2dBackpropInputKernel,
  conv2dKernel,
  fusedConv2dKernel,
} from "./conv_kernels.ts";
import { reluGradKernel, reluKernel, stepKernel } from "./activation_kernels.ts";
import {
  depthwiseBackpropFilterKernel,
  depthwiseBackpropInputKernel,
  depthwiseKernel,
} from "./depthwise_kernels.ts";
import { padKernel, sliceKernel, tileKernel } from "./copy_kernels.ts";
import { maxPoolGradKernel, maxPoolKernel } from "./pool_kernels.ts";
import { BINARY_KERNELS, binaryKernel } from "./elementwise_kernels.ts";
import type { KernelFn } from "./kernel_util.ts";
import { meanKernel, sumKernel } from "./reduce_kernels.ts";
import { batchMatMulKernel, fusedMatMulKernel } from "./matmul_kernels.ts";
import {
  batchNormInferGradKernel,
  batchNormInferKernel,
  batchNormTrainGradKernel,
  batchNormTrainKernel,
} from "./fused_batch_norm_kernels.ts";
import {
  quadEpilogueGradKernel,
  quadEpilogueKernel,
  quadResidualKernel,
} from "./fused_quad_kernels.ts";
import { softmaxXentGradKernel, softmaxXentKernel } from "./fused_xent_kernels.ts";
import {
  adaptedDepthwiseGradKernel,
  adaptedDepthwiseKernel,
} from "./fused_adapted_depthwise_kernels.ts";
import { adaptedConv2dKernel, quadResidualGradKernel } from "./fused_adapted_conv_kernels.ts";
import { adaptedConv2dRecomputeKernel } from "./fused_adapted_conv_recompute_kernel.ts";
import { adaptedConv2dRecomputeGradKernel } from "./fused_adapted_conv_recompute_grad_kernel.ts";
import { adamKernel, sgdKernel, sumSquaresKernel } from "./fused_optimizer_kernels.ts";
import { outputPool } from "./buffer_pool.ts";

/** The backend's name in tfjs. */
export const BLAS_BACKEND = "blas";

/** Kernels this backend replaces (all others are the cpu backend's). */
export const BLAS_KERNELS: Record<string, (blas: Blas) => KernelFn> = {
  [tf.BatchMatMul]: batchMatMulKernel,
  [tf._FusedMatMul]: fusedMatMulKernel,
  [tf.Conv2D]: conv2dKernel,
  [tf.FusedConv2D]: fusedConv2dKernel,
  [tf.Conv2DBackpropInput]: conv2dBackpropInputKernel,
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilterKernel,
  // Not BLAS, but what profiling a training step showed dominating once the
  // products were fast: broadcasts, reductions, slices and pads.
  ...Object.fromEntries(BINARY_KERNELS.map((n) => [n, () => binaryKernel(n)])),
  [tf.Sum]: sumKernel,
  [tf.Mean]: meanKernel,
  [tf.Slice]: sliceKernel,
  [tf.PadV2]: padKernel,
  [tf.Tile]: tileKernel,
  [tf.Relu]: reluKernel,
  [tf.Step]: stepKernel,
  [tf.MaxPool]: maxPoolKernel,
  [tf.MaxPoolGrad]: maxPoolGradKernel,
  [tf.DepthwiseConv2dNative]: depthwiseKernel,
  [tf.DepthwiseConv2dNativeBackpropInput]: depthwiseBackpropInputKernel,
  [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilterKernel,
  // Fused ops (core's `FUSED`): one kernel where tfjs would run dozens.
  [FUSED.adam]: adamKernel,
  [FUSED.sgd]: sgdKernel,
  [FUSED.sumSquares]: sumSquaresKernel,
  [FUSED.batchNormTrain]: batchNormTrainKernel,
  [FUSED.batchNormTrainGrad]: batchNormTrainGradKernel,
  [FUSED.batchNormInfer]: batchNormInferKernel,
  [FUSED.batchNormInferGrad]: batchNormInferGradKernel,
  [FUSED.quadEpilogue]: quadEpilogueKernel,
  [FUSED.quadEpilogueGrad]: quadEpilogueGradKernel,
  [FUSED.quadResidual]: quadResidualKernel,
  [FUSED.adaptedConv2d]: adaptedConv2dKernel,
  [FUSED.adaptedConv2dRecompute]: adaptedConv2dRecomputeKernel, // same forward, y only
  [FUSED.adaptedConv2dRecomputeGrad]: adaptedConv2dRecomputeGradKernel,
  [FUSED.quadResidualGrad]: quadResidualGradKernel,
  [FUSED.softmaxXent]: softmaxXentKernel,
  [FUSED.softmaxXentGrad]: softmaxXentGradKernel,
  [FUSED.reluGrad]: reluGradKernel,
  [FUSED.adaptedDepthwise]: adaptedDepthwiseKernel,
  [FUSED.adaptedDepthwiseGrad]: adaptedDepthwiseGradKernel,
};

type DataId = object;

/**
 * tfjs' cpu backend telling {@link outputPool} what happens to the arrays it
 * stores, so that kernel outputs are recycled only when nothing else can
 * see them (see `buffer_pool.ts`).
 */
export class BlasBackend extends MathBackendCPU {
  constructor() {
    super();
    // Same install hint as the cpu backend would print; this project says
    // which backend it chose itself.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType) {
    outputPool.adopt(values);
    return super.write(values, shape, dtype);
  }

  override move(
    dataId: DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    outputPool.adopt(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: DataId): tf.backend_util.BackendValues {
    if (this.data.has(dataId)) outputPool.escape(this.data.get(dataId).values);
    return super.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const done = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) outputPool.release(values);
    return done;
  }
}

/**
 * Registers the `blas` backend with tfjs (idempotent), and installs core's
 * fused ops (`installFusedOps`: the gradients of its fused kernels and the
 * fused paths of ReLU's gradient and tfjs-layers' BatchNormalization). Returns
 * the BLAS library in use; throws {@link BlasUnavailableError} when none loads.
 */
export function registerBlasBackend(): Blas {
  const blas = openBlas();
  installFusedOps();
  if (tf.findBackendFactory(BLAS_BACKEND)) return blas;
  tf.registerBackend(BLAS_BACKEND, () => new BlasBackend(), 0);
  tf.copyRegisteredKernels("cpu", BLAS_BACKEND);
  for (const [name, make] of Object.entries(BLAS_KERNELS)) {
    if (tf.getKernel(name, BLAS_BACKEND)) tf.unregisterKernel(name, BLAS_BACKEND);
    tf.registerKernel({
      kernelName: name,
      backendName: BLAS_BACKEND,
      kernelFunc: make(blas) as unknown as tf.KernelFunc,
    });
  }
  return blas;
}
