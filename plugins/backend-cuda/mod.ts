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

export { adamSource } from "./adam_kernel.ts";
export {
  type AllocatorStats,
  type Block,
  CachingAllocator,
  type DeviceMemory,
  DeviceOutOfMemoryError,
  sizeClass,
} from "./allocator.ts";
export {
  CUDA_BACKEND,
  CudaBackend,
  cudaFallbacks,
  cudaRuntime,
  registerCudaBackend,
  type TensorData,
} from "./backend.ts";
export {
  batchNormBackwardInputSource,
  batchNormBackwardReduceSource,
  batchNormForwardSource,
  batchNormStatsSource,
} from "./batchnorm_kernels.ts";
export { type ParsedPrototype, parsePrototype, symbolTable } from "./c_prototype.ts";
export { type ConvGeometry, CudnnConv } from "./cudnn_conv.ts";
export {
  compareVersionsDesc,
  CUDA_LIB_DIR_ENV,
  CUDA_LIBRARIES,
  type CudaDiscovery,
  type CudaLibraryName,
  discoverCudaLibraries,
  type DiscoveryEnv,
  formatDiscovery,
  type FoundLibrary,
  pythonPrefixes,
  searchDirs,
  SYSTEM_DISCOVERY_ENV,
} from "./discovery.ts";
export {
  BINARY_OPS,
  binarySource,
  gatherSource,
  padSource,
  quadProductBackwardSource,
  UNARY_OPS,
  unarySource,
} from "./elementwise_kernels.ts";
export {
  CudaFallbackError,
  fallbackKernel,
  FallbackLedger,
  type HostExchange,
} from "./fallback.ts";
export { KernelCache, sourceHash } from "./kernel_cache.ts";
export {
  gridFor,
  kernel,
  type KernelSource,
  type ParamKind,
  parseKernelSignature,
  PRELUDE,
} from "./kernel_source.ts";
export { allFloat32, backendOf, NATIVE_KERNELS, type NativeKernel } from "./native_kernels.ts";
export { NATIVE_ELEMENTWISE } from "./native_elementwise.ts";
export { NATIVE_LINEAR } from "./native_linear.ts";
export {
  type BroadcastPlan,
  broadcastPlan,
  broadcastShapes,
  broadcastStrides,
  coalesce,
  contiguousStrides,
  type CudnnConvPadding,
  cudnnConvPadding,
  type GemmCall,
  gemmPlan,
  type ReducePlan,
  reducePlan,
  transposePlan,
} from "./planning.ts";
export { maxPoolGradSource, poolSource } from "./pool_kernels.ts";
export { REDUCE_BLOCK, REDUCE_OPS, reduceSource } from "./reduce_kernels.ts";
export { type AnyFn, CudaError, CudaRuntime, CudaUnavailableError, type Fns } from "./runtime.ts";
export {
  CUBLAS_PROTOTYPES,
  CUBLAS_SYMBOLS,
  CUDA,
  CUDA_DRIVER_PROTOTYPES,
  CUDA_DRIVER_SYMBOLS,
  CUDART_PROTOTYPES,
  CUDART_SYMBOLS,
  CUDNN_PROTOTYPES,
  CUDNN_SYMBOLS,
  NVRTC_PROTOTYPES,
  NVRTC_SYMBOLS,
  type SymbolTable,
} from "./symbols.ts";

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
