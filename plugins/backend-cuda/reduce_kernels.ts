/**
 * NVRTC sources for row reductions: `y[r] = scale · ⊕_j x[r·inner + j]` for
 * `r < outer` (see {@link reducePlan}; other axes are transposed last first).
 * One block per row (grid-stride over rows), threads stride the row, then a
 * shared-memory tree; the block size must be a power of two ≤ 256.
 *
 * @example
 * ```ts
 * import { reduceSource } from "./reduce_kernels.ts";
 * const k = reduceSource("Sum"); // params x, y, outer, inner, scale
 * ```
 * @module
 */
import { kernel, type KernelSource } from "./kernel_source.ts";

/** Reductions: initial value and combine step. Mean is Sum with scale 1/inner. */
export const REDUCE_OPS: Record<
  string,
  { init: string; combine: (a: string, b: string) => string }
> = {
  Sum: { init: "0.0f", combine: (a, b) => `${a} + ${b}` },
  // -infinity / +infinity; NaN wins as in tfjs (comparisons false for NaN keep it)
  Max: {
    init: "__int_as_float(0xff800000)",
    combine: (a, b) => `((${b}) != (${b}) || (${b}) > (${a})) ? (${b}) : (${a})`,
  },
  Min: {
    init: "__int_as_float(0x7f800000)",
    combine: (a, b) => `((${b}) != (${b}) || (${b}) < (${a})) ? (${b}) : (${a})`,
  },
};

/** The largest block a reduction is written for (shared buffer size). */
export const REDUCE_BLOCK = 256;

/** `y[row] = scale · reduce(x[row, :])`. */
export function reduceSource(op: string): KernelSource {
  const r = REDUCE_OPS[op];
  if (!r) throw new Error(`no CUDA reduction for ${op}`);
  const body = `  __shared__ float buf[${REDUCE_BLOCK}];
  int tid = (int)threadIdx.x, nt = (int)blockDim.x;
  for (int row = blockIdx.x; row < outer; row += gridDim.x) {
    float acc = ${r.init};
    const float* xr = x + (long long)row * inner;
    for (int j = tid; j < inner; j += nt) { float v = xr[j]; acc = ${r.combine("acc", "v")}; }
    buf[tid] = acc;
    __syncthreads();
    for (int s = nt / 2; s > 0; s >>= 1) {
      if (tid < s) { float a = buf[tid], b = buf[tid + s]; buf[tid] = ${r.combine("a", "b")}; }
      __syncthreads();
    }
    if (tid == 0) y[row] = buf[0] * scale;
    __syncthreads();
  }`;
  return kernel(
    `qn_reduce_${op}`,
    [["x", "ptr"], ["y", "ptr"], ["outer", "i32"], ["inner", "i32"], ["scale", "f32"]],
    body,
    REDUCE_BLOCK,
  );
}
