/**
 * NVRTC sources for elementwise work: unary ops, binary ops with
 * broadcasting (the walk of {@link broadcastPlan}), strided gathers
 * (transpose, slice) and constant padding. The rank is baked into each
 * variant, so index arithmetic is straight-line code.
 *
 * @example
 * ```ts
 * import { broadcastPlan } from "@quadranet/backend-cuda";
 * import { binarySource } from "./elementwise_kernels.ts";
 * const plan = broadcastPlan([8, 4], [4]);
 * const k = binarySource("Add", plan.dims.length); // launch with n, dims, strides
 * ```
 * @module
 */
import { kernel, type KernelSource, type ParamKind } from "./kernel_source.ts";

/** Unary ops by tfjs kernel name: `v` is the input, `alpha` the optional attribute. */
export const UNARY_OPS: Record<string, string> = {
  // comparisons written so that NaN passes through, as in tfjs (fmaxf would drop it)
  Relu: "v < 0.0f ? 0.0f : v",
  Relu6: "v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v)",
  Neg: "-v",
  Exp: "expf(v)",
  Log: "logf(v)",
  Sqrt: "sqrtf(v)",
  Rsqrt: "rsqrtf(v)",
  Square: "v * v",
  Abs: "fabsf(v)",
  Reciprocal: "1.0f / v",
  Sigmoid: "1.0f / (1.0f + expf(-v))",
  Tanh: "tanhf(v)",
  // tfjs Step: 1 where x > 0, alpha elsewhere, NaN stays NaN
  Step: "v != v ? v : (v > 0.0f ? 1.0f : alpha)",
  // x·alpha (tfjs' Multiply by a scalar, folded)
  Scale: "v * alpha",
};

/** Binary ops by tfjs kernel name: `a`, `b` the operands. */
export const BINARY_OPS: Record<string, string> = {
  Add: "a + b",
  Sub: "a - b",
  Multiply: "a * b",
  RealDiv: "a / b",
  // NaN in either operand gives NaN, as Math.max/Math.min in tfjs' cpu kernels
  Maximum: "(a != a || b != b) ? a + b : (a > b ? a : b)",
  Minimum: "(a != a || b != b) ? a + b : (a < b ? a : b)",
  SquaredDifference: "(a - b) * (a - b)",
};

/** `y[i] = op(x[i])`, one f32 attribute `alpha`. */
export function unarySource(op: string): KernelSource {
  const expr = UNARY_OPS[op];
  if (!expr) throw new Error(`no CUDA unary kernel for ${op}`);
  return kernel(
    `qn_unary_${op}`,
    [["x", "ptr"], ["y", "ptr"], ["n", "i32"], ["alpha", "f32"]],
    `  GRID_LOOP(i, n) {\n    float v = x[i];\n    y[i] = ${expr};\n  }`,
  );
}

/** The unrolled index walk: output index `i` to one offset per operand. */
function walk(rank: number, operands: string[]): string {
  const lines = [`    int r = i;`, ...operands.map((o) => `    int o${o} = 0;`)];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(
      `    { int c = r % d${d}; r /= d${d};${
        operands.map((o) => ` o${o} += c * s${o}${d};`).join("")
      } }`,
    );
  }
  return lines.join("\n");
}

function dimParams(rank: number, operands: string[]): [string, ParamKind][] {
  const p: [string, ParamKind][] = [];
  for (let d = 0; d < rank; d++) p.push([`d${d}`, "i32"]);
  for (const o of operands) for (let d = 0; d < rank; d++) p.push([`s${o}${d}`, "i32"]);
  return p;
}

/** `out[i] = op(a[oa], b[ob])` over coalesced dims `d*` with strides `sa*`, `sb*`. */
export function binarySource(op: string, rank: number): KernelSource {
  const expr = BINARY_OPS[op];
  if (!expr) throw new Error(`no CUDA binary kernel for ${op}`);
  return kernel(
    `qn_binary_${op}_r${rank}`,
    [["A", "ptr"], ["B", "ptr"], ["out", "ptr"], ["n", "i32"], ...dimParams(rank, ["a", "b"])],
    `  GRID_LOOP(i, n) {\n${
      walk(rank, ["a", "b"])
    }\n    float a = A[oa], b = B[ob];\n    out[i] = ${expr};\n  }`,
  );
}

/** `y[i] = x[base + walk(i)]`: transposes and slices (the input strides along the output walk). */
export function gatherSource(rank: number): KernelSource {
  return kernel(
    `qn_gather_r${rank}`,
    [["x", "ptr"], ["y", "ptr"], ["n", "i32"], ["base", "i32"], ...dimParams(rank, ["x"])],
    `  GRID_LOOP(i, n) {\n${walk(rank, ["x"])}\n    y[i] = x[base + ox];\n  }`,
  );
}

/**
 * Constant padding: output dims `d*`, input dims `e*`, leading pads `p*`,
 * input strides `sx*`; out-of-range reads give `value`.
 */
export function padSource(rank: number): KernelSource {
  const params: [string, ParamKind][] = [["x", "ptr"], ["y", "ptr"], ["n", "i32"], [
    "value",
    "f32",
  ]];
  for (let d = 0; d < rank; d++) params.push([`d${d}`, "i32"]);
  for (let d = 0; d < rank; d++) params.push([`e${d}`, "i32"]);
  for (let d = 0; d < rank; d++) params.push([`p${d}`, "i32"]);
  for (let d = 0; d < rank; d++) params.push([`sx${d}`, "i32"]);
  const lines = [`    int r = i, ox = 0, inside = 1;`];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(
      `    { int c = r % d${d} - p${d}; r /= d${d}; inside &= (c >= 0) & (c < e${d}); ox += c * sx${d}; }`,
    );
  }
  return kernel(
    `qn_pad_r${rank}`,
    params,
    `  GRID_LOOP(i, n) {\n${lines.join("\n")}\n    y[i] = inside ? x[ox] : value;\n  }`,
  );
}

/** Fused backward of the quadratic product `y = u ⊙ v`: `du = dy ⊙ v`, `dv = dy ⊙ u` in one pass. */
export function quadProductBackwardSource(): KernelSource {
  return kernel(
    "qn_quad_product_backward",
    [["dy", "ptr"], ["u", "ptr"], ["v", "ptr"], ["du", "ptr"], ["dv", "ptr"], ["n", "i32"]],
    `  GRID_LOOP(i, n) {\n    float g = dy[i];\n    du[i] = g * v[i];\n    dv[i] = g * u[i];\n  }`,
  );
}
