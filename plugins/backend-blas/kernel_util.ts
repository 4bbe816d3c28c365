/**
 * Shared plumbing for the BLAS kernels: reading cpu-backend storage, making
 * outputs, falling back to the original cpu kernel, scratch buffers.
 *
 * @example
 * ```ts
 * const scratch = scratchBuffer(1024); // reused across calls
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

/** A cpu-backend kernel function. */
export type KernelFn = (args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: MathBackendCPU;
  attrs?: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

/** The values of a float32 tensor held by the cpu backend. */
export function values(backend: MathBackendCPU, t: tf.TensorInfo): Float32Array {
  return backend.data.get(t.dataId).values as Float32Array;
}

/** Whether every given tensor is float32 (the only dtype BLAS handles here). */
export function allFloat32(...ts: (tf.TensorInfo | undefined)[]): boolean {
  return ts.every((t) => t === undefined || t.dtype === "float32");
}

/** Registers a float32 result with the backend. */
export function output(
  backend: MathBackendCPU,
  shape: number[],
  data: Float32Array,
): tf.TensorInfo {
  return backend.makeTensorInfo(shape, "float32", data);
}

/** The cpu backend's own kernel function for `name`, for fallbacks. */
export function cpuKernel(name: string): KernelFn {
  const k = tf.getKernel(name, "cpu");
  if (!k) throw new Error(`tfjs cpu backend has no kernel ${name}`);
  return k.kernelFunc as unknown as KernelFn;
}

const scratch: Float32Array[] = [];

/**
 * A scratch buffer of at least `n` floats, reused between calls (contents
 * undefined). Buffers of different `slot`s never overlap (slot 0 holds
 * im2col's patch matrix in the conv kernels).
 */
export function scratchBuffer(n: number, slot = 0): Float32Array {
  const s = scratch[slot];
  if (!s || s.length < n) scratch[slot] = new Float32Array(Math.max(n, 2 * (s?.length ?? 0)));
  return scratch[slot].subarray(0, n);
}

/**
 * Upper bound on floats in one im2col chunk (2 MiB: half an L2 cache of the
 * machines measured; 16 MiB chunks made im2col + GEMM about twice as slow).
 */
export const CHUNK_FLOATS = 1 << 19;

/** Fewest patch rows per chunk (so the GEMM keeps a useful M). */
export const MIN_CHUNK_ROWS = 64;
