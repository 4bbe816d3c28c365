/**
 * Test helper: compiles generated CUDA kernels with the host C++ compiler and
 * runs them on the CPU, with CUDA's execution model emulated: every thread
 * of a block is a real `std::thread`, `__shared__` memory is shared by them,
 * `__syncthreads()` is a `std::barrier`, `atomicAdd` takes a mutex, blocks run one after another. So the
 * exact generated source — index arithmetic, grid-stride loops, shared-memory
 * reductions — is executed and its results compared with tfjs' cpu kernels.
 * What this cannot show: that NVRTC accepts the source, and GPU timing.
 *
 * Needs `g++` (C++20); without it the tests that use it are skipped with one
 * line, unless `QUADRANET_REQUIRE_CXX=1` (CI) makes that a failure.
 *
 * @example
 * ```ts
 * import { compileKernels } from "./cxx_emulator.ts";
 * import { unarySource } from "../elementwise_kernels.ts";
 * const x = new Float32Array([-1, 2]), y = new Float32Array(2);
 * const emu = await compileKernels([unarySource("Relu")]);
 * emu.run("qn_unary_Relu", [x, y, x.length, 0], { grid: 2, block: 4 });
 * ```
 * @module
 */
import type { KernelSource } from "../kernel_source.ts";

const SHIM = `#include <math.h>
#include <string.h>
#include <thread>
#include <barrier>
#include <vector>
#include <mutex>
struct EmuDim3 { unsigned x, y, z; };
static EmuDim3 blockIdx = {0, 0, 0}, blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static thread_local EmuDim3 threadIdx = {0, 0, 0};
static std::barrier<>* emu_barrier = nullptr;
#define __global__
#define __shared__ static
#define __restrict__
static inline void __syncthreads() { emu_barrier->arrive_and_wait(); }
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
static inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
static std::mutex emu_atomic;
static inline float atomicAdd(float* p, float v) {
  std::lock_guard<std::mutex> g(emu_atomic); float old = *p; *p = old + v; return old;
}
`;

const C_TYPE = { ptr: "float*", i32: "int", f32: "float" } as const;
const FFI_TYPE = { ptr: "buffer", i32: "i32", f32: "f32" } as const;

function launcher(k: KernelSource): string {
  const sig = k.params.map(([n, t]) => `${C_TYPE[t]} ${n}`).join(", ");
  const args = k.params.map(([n]) => n).join(", ");
  return `extern "C" void emu_${k.name}(unsigned grid, unsigned block, ${sig}) {
  gridDim.x = grid; blockDim.x = block;
  std::barrier<> bar(block); emu_barrier = &bar;
  for (unsigned b = 0; b < grid; b++) {
    blockIdx.x = b;
    std::vector<std::thread> ts;
    for (unsigned t = 0; t < block; t++) ts.emplace_back([=] { threadIdx.x = t; ${k.name}(${args}); });
    for (auto& th : ts) th.join();
  }
  emu_barrier = nullptr;
}
`;
}

/** Whether a C++20 compiler is on the PATH; prints the skip line once when not. */
export async function cxxAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("g++", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    if (out.success) return true;
  } catch { /* not installed */ }
  if (Deno.env.get("QUADRANET_REQUIRE_CXX") === "1") {
    throw new Error("g++ not found (QUADRANET_REQUIRE_CXX=1): apt-get install g++");
  }
  console.log("skipping CUDA-source execution tests: no g++ (apt-get install g++)");
  return false;
}

/** Kernels compiled for the CPU. */
export interface EmulatedKernels {
  /** Runs kernel `name` on a `grid`×`block` launch; pointers are Float32Arrays. */
  run(
    name: string,
    args: (Float32Array | number)[],
    launch?: { grid: number; block: number },
  ): void;
  close(): void;
}

/** Compiles `kernels` (one shared library) with g++ and opens it. */
export async function compileKernels(kernels: KernelSource[]): Promise<EmulatedKernels> {
  const dir = await Deno.makeTempDir({ prefix: "qn_cuda_emu_" });
  const src = `${dir}/kernels.cpp`;
  const seen = new Set<string>();
  const unique = kernels.filter((k) => !seen.has(k.name) && seen.add(k.name));
  // Each kernel's source carries the prelude; #undef between them keeps redefinitions quiet.
  const body = unique.map((k) => `${k.source}\n#undef GRID_LOOP\n${launcher(k)}`).join("\n");
  await Deno.writeTextFile(src, SHIM + body);
  const out = await new Deno.Command("g++", {
    args: [
      "-std=c++20",
      "-O0",
      "-shared",
      "-fPIC",
      "-pthread",
      "-Wall",
      "-Werror",
      "-Wno-unused-variable",
      "-o",
      `${dir}/k.so`,
      src,
    ],
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `g++ rejected the generated kernels:\n${new TextDecoder().decode(out.stderr).slice(0, 3000)}`,
    );
  }
  const symbols = Object.fromEntries(unique.map((k) => [
    `emu_${k.name}`,
    { parameters: ["u32", "u32", ...k.params.map(([, t]) => FFI_TYPE[t])], result: "void" },
  ])) as Record<string, Deno.ForeignFunction>;
  const lib = Deno.dlopen(`${dir}/k.so`, symbols);
  const byName = new Map(unique.map((k) => [k.name, k]));
  return {
    run(name, args, launch = { grid: 2, block: 4 }) {
      const k = byName.get(name);
      if (!k) throw new Error(`kernel ${name} was not compiled`);
      if (args.length !== k.params.length) {
        throw new Error(`${name} takes ${k.params.length} arguments, got ${args.length}`);
      }
      // deno-lint-ignore no-explicit-any
      (lib.symbols as any)[`emu_${name}`](launch.grid, launch.block, ...args);
    },
    close() {
      lib.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}
