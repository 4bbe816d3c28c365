/**
 * `QnAdaptedConv2DRecompute` on OpenBLAS: the adapted Conv2D's fused forward
 * (`adaptedConv2dKernel`) returning only y. Under `backprop: "recompute"` the
 * backward pass recomputes `[Ux | Vx]` from x, so nothing needs the uv
 * output, and with one output tfjs does not allocate a zero gradient for it.
 *
 * @example
 * ```ts
 * import { FUSED, tf } from "@quadranet/core";
 * import { openBlas } from "./blas_library.ts";
 * import { adaptedConv2dRecomputeKernel } from "./fused_adapted_conv_recompute_kernel.ts";
 * tf.registerKernel({ kernelName: FUSED.adaptedConv2dRecompute, backendName: "blas", kernelFunc: adaptedConv2dRecomputeKernel(openBlas()) as never });
 * ```
 * @module
 */
import type { tf } from "@quadranet/core";
import type { Blas } from "./blas_library.ts";
import { adaptedConv2dKernel } from "./fused_adapted_conv_kernels.ts";
import type { KernelFn } from "./kernel_util.ts";

/** (x, w, u, v, p[, bias]) → y `[B, oh, ow, c]`. */
export function adaptedConv2dRecomputeKernel(blas: Blas): KernelFn {
  const both = adaptedConv2dKernel(blas);
  return (args) => {
    const [y, uv] = both(args) as tf.TensorInfo[];
    args.backend.disposeData(uv.dataId);
    return y;
  };
}
