/**
 * What every generated kernel is: CUDA C source for NVRTC plus the list of
 * its parameters, from which the launcher builds `cuLaunchKernel`'s argument
 * array. Generated kernels use grid-stride loops and only CUDA built-ins
 * that also have host equivalents, so the same source compiles with NVRTC on
 * a GPU and with a C++ compiler on the CPU (tests execute it there).
 *
 * @example
 * ```ts
 * import { kernel } from "@quadranet/backend-cuda";
 * const k = kernel("qn_scale", [["x", "ptr"], ["y", "ptr"], ["n", "i32"], ["s", "f32"]],
 *   "  GRID_LOOP(i, n) y[i] = x[i] * s;");
 * ```
 * @module
 */

/** A kernel parameter's kind: a device pointer to float32, an int, or a float. */
export type ParamKind = "ptr" | "i32" | "f32";

/** One generated kernel. */
export interface KernelSource {
  /** The `extern "C"` name (unique per generated variant). */
  name: string;
  /** Complete CUDA C source (no includes). */
  source: string;
  /** Parameters in order, as the launcher passes them. */
  params: readonly (readonly [string, ParamKind])[];
  /** Threads per block the kernel is written for (reductions need a power of two). */
  block: number;
}

const C_TYPE: Record<ParamKind, string> = { ptr: "float*", i32: "int", f32: "float" };

/**
 * The common preamble: `GRID_LOOP(i, n)` walks `i` over `[0, n)` with a grid
 * stride, so a launch of any grid size covers every element.
 */
export const PRELUDE = `#define GRID_LOOP(i, n) \\
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)
`;

/** Builds a kernel's source from its parameters and body. */
export function kernel(
  name: string,
  params: readonly (readonly [string, ParamKind])[],
  body: string,
  block = 256,
): KernelSource {
  if (!/^qn_\w+$/.test(name)) throw new Error(`kernel name "${name}" must match qn_[A-Za-z0-9_]+`);
  const sig = params.map(([n, k]) => `${C_TYPE[k]} ${n}`).join(", ");
  const source = `${PRELUDE}extern "C" __global__ void ${name}(${sig}) {\n${body}\n}\n`;
  return { name, source, params, block };
}

/** Parses a kernel's parameter list back from its source (tests check it equals `params`). */
export function parseKernelSignature(source: string, name: string): [string, ParamKind][] {
  const m = source.match(new RegExp(`extern "C" __global__ void ${name}\\(([^)]*)\\)`));
  if (!m) throw new Error(`no kernel ${name} in source`);
  return m[1].split(",").map((p) => {
    const t = p.trim().match(/^(float\*|int|float)\s+(\w+)$/);
    if (!t) throw new Error(`unexpected parameter "${p.trim()}" in ${name}`);
    return [t[2], t[1] === "float*" ? "ptr" : t[1] === "int" ? "i32" : "f32"];
  });
}

/** Launch geometry for `n` independent elements: blocks of `block`, at most `maxBlocks`. */
export function gridFor(n: number, block = 256, maxBlocks = 65_535): number {
  return Math.max(1, Math.min(maxBlocks, Math.ceil(n / block)));
}
