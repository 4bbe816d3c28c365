import assert from "node:assert/strict";
import { parsePrototype, symbolTable } from "./c_prototype.ts";
import {
  CUBLAS_PROTOTYPES,
  CUBLAS_SYMBOLS,
  CUDA_DRIVER_SYMBOLS,
  CUDART_SYMBOLS,
  CUDNN_PROTOTYPES,
  CUDNN_SYMBOLS,
  NVRTC_SYMBOLS,
} from "./symbols.ts";

Deno.test("parsePrototype() maps C types: ints, size_t, handles, HOST buffers, strings", () => {
  assert.deepEqual(parsePrototype("cudaError_t cudaMalloc(HOST void** devPtr, size_t size)"), {
    name: "cudaMalloc",
    def: { parameters: ["buffer", "usize"], result: "i32" },
  });
  assert.deepEqual(parsePrototype("const char* cudaGetErrorString(cudaError_t error)").def, {
    parameters: ["i32"],
    result: "pointer",
  });
  assert.deepEqual(parsePrototype("size_t cudnnGetVersion(void)").def, {
    parameters: [],
    result: "usize",
  });
  assert.deepEqual(
    parsePrototype("int f(const char* const* names, unsigned int n, long long int s, float a)").def
      .parameters,
    ["pointer", "u32", "i64", "f32"],
  );
});

Deno.test("parsePrototype() rejects unknown types, HOST on a non-pointer and structs by value", () => {
  assert.throws(() => parsePrototype("int f(cudaStrem_t s)"), /unknown C type "cudaStrem_t"/);
  assert.throws(() => parsePrototype("int f(HOST int n)"), /HOST marks a pointer/);
  assert.throws(
    () => parsePrototype("int f(cudnnConvolutionFwdAlgoPerf_t p)"),
    /passed by value/,
  );
  assert.throws(() => symbolTable(["int f(int a)", "int f(int b)"]), /duplicate prototype f/);
});

Deno.test("the launch and GEMM entry points have the header's arity and types", () => {
  assert.deepEqual(CUDA_DRIVER_SYMBOLS.cuLaunchKernel.parameters, [
    "pointer", // CUfunction
    ...new Array(7).fill("u32"), // grid x/y/z, block x/y/z, shared bytes
    "pointer", // stream
    "buffer", // kernelParams: host array of pointers to the arguments
    "pointer", // extra (null)
  ]);
  // cublasSgemm_v2: handle, 2 ops, m n k, alpha*, A lda, B ldb, beta*, C ldc
  assert.deepEqual(CUBLAS_SYMBOLS.cublasSgemm_v2.parameters, [
    "pointer",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "buffer",
    "pointer",
    "i32",
    "pointer",
    "i32",
    "buffer",
    "pointer",
    "i32",
  ]);
  assert.equal(CUBLAS_SYMBOLS.cublasSgemmStridedBatched.parameters.length, 18);
  assert.deepEqual(
    CUBLAS_SYMBOLS.cublasSgemmStridedBatched.parameters.filter((p) => p === "i64").length,
    3,
  );
  assert.equal(CUDNN_SYMBOLS.cudnnConvolutionForward.parameters.length, 13);
  assert.equal(CUDNN_SYMBOLS.cudnnConvolutionBackwardData.parameters.length, 13);
  assert.equal(CUDNN_SYMBOLS.cudnnConvolutionBackwardFilter.parameters.length, 13);
  assert.equal(CUDNN_SYMBOLS.cudnnSetConvolution2dDescriptor.parameters.length, 9);
});

Deno.test("every table parses; every status-returning call returns i32", () => {
  const tables = [
    CUDART_SYMBOLS,
    CUDA_DRIVER_SYMBOLS,
    NVRTC_SYMBOLS,
    CUBLAS_SYMBOLS,
    CUDNN_SYMBOLS,
  ];
  let n = 0;
  for (const t of tables) {
    for (const [name, def] of Object.entries(t)) {
      n++;
      if (!/ErrorString|cudnnGetVersion/.test(name)) assert.equal(def.result, "i32", name);
    }
  }
  assert.equal(n, 16 + 10 + 11 + CUBLAS_PROTOTYPES.length + CUDNN_PROTOTYPES.length);
});
