/**
 * The `cuda` compute backend: a tfjs backend whose tensors live in NVIDIA GPU
 * memory, with NVIDIA's libraries called through `Deno.dlopen` (CUDA runtime
 * and driver, cuBLAS, cuDNN, NVRTC). Importing this module registers backend
 * plugin `cuda`; it needs `--allow-ffi --allow-env --allow-read`.
 *
 * The GPU-free parts (discovery, FFI tables, kernel sources, planning, the
 * allocator, the fallback) are tested on every machine; the backend itself
 * has NOT YET RUN ON A GPU — see README.md and bench/gpu/run_device_checks.sh.
 *
 * @example
 * ```ts
 * import { selectBackend } from "@quadranet/core";
 * import "@quadranet/backend-cuda";
 * await selectBackend("auto"); // cuda where a device is, else says why once and goes on
 * ```
 * @module
 */
import { type BackendPlugin, BackendUnavailableError, register } from "@quadranet/core";
import { CUDA_BACKEND, registerCudaBackend } from "./backend.ts";
import { CUDA_LIB_DIR_ENV } from "./discovery.ts";
import { CudaUnavailableError } from "./runtime.ts";

export { type AllocatorStats, type Block, DeviceOutOfMemoryError } from "./allocator.ts";
export { CUDA_BACKEND, cudaFallbacks, cudaRuntime, registerCudaBackend } from "./backend.ts";
export { type ConvGeometry } from "./cudnn_conv.ts";
export {
  CUDA_LIBRARIES,
  type CudaDiscovery,
  type CudaLibraryName,
  discoverCudaLibraries,
  type DiscoveryEnv,
  formatDiscovery,
  type FoundLibrary,
} from "./discovery.ts";
export { CudaFallbackError, FallbackLedger } from "./fallback.ts";
export { kernel, type KernelSource, type ParamKind } from "./kernel_source.ts";
export { allFloat32, type NativeKernel } from "./native_kernels.ts";
export { NATIVE_ELEMENTWISE } from "./native_elementwise.ts";
export { NATIVE_LINEAR } from "./native_linear.ts";
export {
  type BroadcastPlan,
  broadcastPlan,
  broadcastStrides,
  contiguousStrides,
  type GemmCall,
  gemmPlan,
} from "./planning.ts";
export { type AnyFn, CudaError, CudaRuntime, CudaUnavailableError, type Fns } from "./runtime.ts";
export { CUDA } from "./symbols.ts";
export { KernelCache } from "./kernel_cache.ts";

/** How to make the backend available, printed with the reason it is not. */
export const CUDA_HINT: string =
  `An NVIDIA GPU with its driver, the CUDA toolkit 12/13 libraries (or ${CUDA_LIB_DIR_ENV}) ` +
  "and, for convolutions, cuDNN 9 are needed.";

/** The backend plugin (priority 60: tried first; without a GPU it says why once and goes on). */
export const cudaBackendPlugin: BackendPlugin = {
  name: CUDA_BACKEND,
  priority: 60,
  announceSkip: true,
  async init() {
    try {
      const rt = await registerCudaBackend();
      const dnn = rt.dnn ? "cuDNN" : "no cuDNN: convolutions on the cpu fallback";
      return { tfjsName: CUDA_BACKEND, detail: `${rt.deviceName} (${rt.arch}), cuBLAS, ${dnn}` };
    } catch (e) {
      const reason = e instanceof CudaUnavailableError ? e.reason : (e as Error).message;
      throw new BackendUnavailableError(CUDA_BACKEND, reason, CUDA_HINT);
    }
  },
};

register("backend", CUDA_BACKEND, cudaBackendPlugin);
