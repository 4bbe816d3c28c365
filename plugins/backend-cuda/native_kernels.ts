/**
 * The `cuda` backend's native kernels by tfjs kernel name. Each takes the
 * kernel arguments and the counted cpu fallback, and uses the fallback for
 * what it does not cover (non-float32 dtypes, ranks above 4 after
 * coalescing, no cuDNN, NCHW). NOT YET RUN ON A GPU (see README).
 *
 * @example
 * ```ts
 * import { NATIVE_KERNELS } from "./native_kernels.ts";
 * Object.keys(NATIVE_KERNELS); // ["Relu", "Add", ..., "Conv2D", ...]
 * ```
 * @module
 */
import type { tf } from "@quadranet/core";
import type { CudaBackend } from "./backend.ts";
import { NATIVE_ELEMENTWISE } from "./native_elementwise.ts";
import { NATIVE_LINEAR } from "./native_linear.ts";

/** A native kernel: computes on the device or hands the call to `fallback`. */
export type NativeKernel = (
  args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown },
  fallback: (args: never) => tf.TensorInfo | tf.TensorInfo[],
) => tf.TensorInfo | tf.TensorInfo[];

/** Shared helpers for native kernels. */
export function backendOf(args: { backend: unknown }): CudaBackend {
  return args.backend as CudaBackend;
}

/** True when every present input is float32 (native kernels handle only those). */
export function allFloat32(inputs: tf.NamedTensorInfoMap): boolean {
  return Object.values(inputs).every((t) => t == null || t.dtype === "float32");
}

/** Every native kernel. */
export const NATIVE_KERNELS: Record<string, NativeKernel> = {
  ...NATIVE_ELEMENTWISE,
  ...NATIVE_LINEAR,
};
