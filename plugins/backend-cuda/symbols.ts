/**
 * The FFI tables of the `cuda` backend, as C prototypes copied in shape from
 * NVIDIA's headers (`cuda_runtime_api.h`, `cuda.h`, `nvrtc.h`,
 * `cublas_api.h`, `cudnn_cnn.h`/`cudnn_graph.h` of CUDA 12/13 and cuDNN 9)
 * and parsed by {@link symbolTable}. `HOST` marks pointers to host memory.
 *
 * @example
 * ```ts
 * import { CUDART_SYMBOLS } from "./symbols.ts";
 * const lib = Deno.dlopen("libcudart.so.13", CUDART_SYMBOLS);
 * ```
 * @module
 */
import { type ParsedPrototype, symbolTable } from "./c_prototype.ts";

/** A `Deno.dlopen` symbol table built from prototypes. */
export type SymbolTable = Record<string, ParsedPrototype["def"]>;

/** CUDA runtime API (`libcudart`): device, memory, streams. */
export const CUDART_PROTOTYPES = [
  "cudaError_t cudaGetDeviceCount(HOST int* count)",
  "cudaError_t cudaSetDevice(int device)",
  "cudaError_t cudaDeviceSynchronize(void)",
  "cudaError_t cudaMalloc(HOST void** devPtr, size_t size)",
  "cudaError_t cudaFree(void* devPtr)",
  "cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, cudaMemcpyKind kind)",
  "cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, cudaMemcpyKind kind, cudaStream_t stream)",
  "cudaError_t cudaMemsetAsync(void* devPtr, int value, size_t count, cudaStream_t stream)",
  "cudaError_t cudaStreamCreate(HOST cudaStream_t* pStream)",
  "cudaError_t cudaStreamSynchronize(cudaStream_t stream)",
  "cudaError_t cudaMemGetInfo(HOST size_t* free, HOST size_t* total)",
  "cudaError_t cudaRuntimeGetVersion(HOST int* runtimeVersion)",
  "cudaError_t cudaDriverGetVersion(HOST int* driverVersion)",
  "cudaError_t cudaDeviceGetAttribute(HOST int* value, cudaDeviceAttr attr, int device)",
  "cudaError_t cudaGetLastError(void)",
  "const char* cudaGetErrorString(cudaError_t error)",
] as const;

/** CUDA driver API (`libcuda`): modules and kernel launches for NVRTC output. */
export const CUDA_DRIVER_PROTOTYPES = [
  "CUresult cuInit(unsigned int Flags)",
  "CUresult cuDeviceGet(HOST CUdevice* device, int ordinal)",
  "CUresult cuDeviceGetName(HOST char* name, int len, CUdevice dev)",
  "CUresult cuDeviceGetAttribute(HOST int* pi, CUdevice_attribute attrib, CUdevice dev)",
  "CUresult cuDevicePrimaryCtxRetain(HOST CUcontext* pctx, CUdevice dev)",
  "CUresult cuCtxSetCurrent(CUcontext ctx)",
  "CUresult cuModuleLoadData(HOST CUmodule* module, HOST const void* image)",
  "CUresult cuModuleGetFunction(HOST CUfunction* hfunc, CUmodule hmod, HOST const char* name)",
  "CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, " +
  "unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, " +
  "unsigned int sharedMemBytes, CUstream hStream, HOST void** kernelParams, void** extra)",
  "CUresult cuGetErrorString(CUresult error, HOST const char** pStr)",
] as const;

/** NVRTC (`libnvrtc`): CUDA C++ source to CUBIN at run time. */
export const NVRTC_PROTOTYPES = [
  "nvrtcResult nvrtcVersion(HOST int* major, HOST int* minor)",
  "nvrtcResult nvrtcCreateProgram(HOST nvrtcProgram* prog, HOST const char* src, HOST const char* name, " +
  "int numHeaders, const char* const* headers, const char* const* includeNames)",
  "nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, HOST const char* const* options)",
  "nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, HOST size_t* cubinSizeRet)",
  "nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, HOST char* cubin)",
  "nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, HOST size_t* ptxSizeRet)",
  "nvrtcResult nvrtcGetPTX(nvrtcProgram prog, HOST char* ptx)",
  "nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, HOST size_t* logSizeRet)",
  "nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, HOST char* log)",
  "nvrtcResult nvrtcDestroyProgram(HOST nvrtcProgram* prog)",
  "const char* nvrtcGetErrorString(nvrtcResult result)",
] as const;

/** cuBLAS (`libcublas`): column-major GEMM; alpha/beta are host scalars (default pointer mode). */
export const CUBLAS_PROTOTYPES = [
  "cublasStatus_t cublasCreate_v2(HOST cublasHandle_t* handle)",
  "cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)",
  "cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)",
  "cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)",
  "cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, HOST int* version)",
  "cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, " +
  "int m, int n, int k, HOST const float* alpha, const float* A, int lda, const float* B, int ldb, " +
  "HOST const float* beta, float* C, int ldc)",
  "cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, " +
  "cublasOperation_t transb, int m, int n, int k, HOST const float* alpha, const float* A, int lda, " +
  "long long int strideA, const float* B, int ldb, long long int strideB, HOST const float* beta, " +
  "float* C, int ldc, long long int strideC, int batchCount)",
] as const;

/** cuDNN 9 legacy convolution API (`libcudnn`, the shim that loads `libcudnn_cnn`). */
export const CUDNN_PROTOTYPES = [
  "size_t cudnnGetVersion(void)",
  "const char* cudnnGetErrorString(cudnnStatus_t status)",
  "cudnnStatus_t cudnnCreate(HOST cudnnHandle_t* handle)",
  "cudnnStatus_t cudnnDestroy(cudnnHandle_t handle)",
  "cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t streamId)",
  "cudnnStatus_t cudnnCreateTensorDescriptor(HOST cudnnTensorDescriptor_t* tensorDesc)",
  "cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnTensorFormat_t format, " +
  "cudnnDataType_t dataType, int n, int c, int h, int w)",
  "cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t tensorDesc)",
  "cudnnStatus_t cudnnCreateFilterDescriptor(HOST cudnnFilterDescriptor_t* filterDesc)",
  "cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t filterDesc, cudnnDataType_t dataType, " +
  "cudnnTensorFormat_t format, int k, int c, int h, int w)",
  "cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t filterDesc)",
  "cudnnStatus_t cudnnCreateConvolutionDescriptor(HOST cudnnConvolutionDescriptor_t* convDesc)",
  "cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t convDesc, int pad_h, int pad_w, " +
  "int u, int v, int dilation_h, int dilation_w, cudnnConvolutionMode_t mode, cudnnDataType_t computeType)",
  "cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t convDesc, int groupCount)",
  "cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t convDesc, cudnnMathType_t mathType)",
  "cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t convDesc)",
  "cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t handle, " +
  "const cudnnTensorDescriptor_t srcDesc, const cudnnFilterDescriptor_t filterDesc, " +
  "const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t destDesc, " +
  "const int requestedAlgoCount, HOST int* returnedAlgoCount, HOST cudnnConvolutionFwdAlgoPerf_t* perfResults)",
  "cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnnHandle_t handle, " +
  "const cudnnFilterDescriptor_t filterDesc, const cudnnTensorDescriptor_t diffDesc, " +
  "const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t gradDesc, " +
  "const int requestedAlgoCount, HOST int* returnedAlgoCount, HOST cudnnConvolutionBwdDataAlgoPerf_t* perfResults)",
  "cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnnHandle_t handle, " +
  "const cudnnTensorDescriptor_t srcDesc, const cudnnTensorDescriptor_t diffDesc, " +
  "const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, " +
  "const int requestedAlgoCount, HOST int* returnedAlgoCount, HOST cudnnConvolutionBwdFilterAlgoPerf_t* perfResults)",
  "cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t handle, " +
  "const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc, " +
  "const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, " +
  "cudnnConvolutionFwdAlgo_t algo, HOST size_t* sizeInBytes)",
  "cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(cudnnHandle_t handle, " +
  "const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc, " +
  "const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, " +
  "cudnnConvolutionBwdDataAlgo_t algo, HOST size_t* sizeInBytes)",
  "cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(cudnnHandle_t handle, " +
  "const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc, " +
  "const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, " +
  "cudnnConvolutionBwdFilterAlgo_t algo, HOST size_t* sizeInBytes)",
  "cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, HOST const void* alpha, " +
  "const cudnnTensorDescriptor_t xDesc, const void* x, const cudnnFilterDescriptor_t wDesc, const void* w, " +
  "const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionFwdAlgo_t algo, void* workSpace, " +
  "size_t workSpaceSizeInBytes, HOST const void* beta, const cudnnTensorDescriptor_t yDesc, void* y)",
  "cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, HOST const void* alpha, " +
  "const cudnnFilterDescriptor_t wDesc, const void* w, const cudnnTensorDescriptor_t dyDesc, const void* dy, " +
  "const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdDataAlgo_t algo, void* workSpace, " +
  "size_t workSpaceSizeInBytes, HOST const void* beta, const cudnnTensorDescriptor_t dxDesc, void* dx)",
  "cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, HOST const void* alpha, " +
  "const cudnnTensorDescriptor_t xDesc, const void* x, const cudnnTensorDescriptor_t dyDesc, const void* dy, " +
  "const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdFilterAlgo_t algo, void* workSpace, " +
  "size_t workSpaceSizeInBytes, HOST const void* beta, const cudnnFilterDescriptor_t dwDesc, void* dw)",
] as const;

/** `Deno.dlopen` tables. */
export const CUDART_SYMBOLS: SymbolTable = symbolTable(CUDART_PROTOTYPES);
/** Driver API table. */
export const CUDA_DRIVER_SYMBOLS: SymbolTable = symbolTable(CUDA_DRIVER_PROTOTYPES);
/** NVRTC table. */
export const NVRTC_SYMBOLS: SymbolTable = symbolTable(NVRTC_PROTOTYPES);
/** cuBLAS table. */
export const CUBLAS_SYMBOLS: SymbolTable = symbolTable(CUBLAS_PROTOTYPES);
/** cuDNN table. */
export const CUDNN_SYMBOLS: SymbolTable = symbolTable(CUDNN_PROTOTYPES);

/** Enum values used by the backend (from the same headers). */
export const CUDA = {
  memcpyHostToDevice: 1,
  memcpyDeviceToHost: 2,
  memcpyDeviceToDevice: 3,
  /** CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / MINOR */
  attrComputeCapabilityMajor: 75,
  attrComputeCapabilityMinor: 76,
  /** cudaDevAttrMultiProcessorCount */
  attrMultiProcessorCount: 16,
  cublasOpN: 0,
  cublasOpT: 1,
  cublasDefaultMath: 0,
  cublasTf32TensorOpMath: 3,
  cudnnTensorNhwc: 1,
  cudnnDataFloat: 0,
  cudnnCrossCorrelation: 1,
  cudnnDefaultMath: 0,
  cudnnTensorOpMath: 1,
  cudnnFmaMath: 3,
  /** sizeof(cudnnConvolution*AlgoPerf_t): algo, status, time, (pad), memory, determinism, mathType, reserved[3] */
  cudnnAlgoPerfBytes: 48,
} as const;
