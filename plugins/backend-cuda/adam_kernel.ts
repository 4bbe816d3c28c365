/**
 * NVRTC source of the fused AdamW update: one pass reads w, g, m, v and
 * writes w, m, v, instead of the ~12 tfjs ops the optimizer's graph takes.
 * The arithmetic is core's `Optimizer` ("adamw") exactly:
 *
 *     m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *     w ← w − lr·( (m/bc1) / (√(v/bc2) + ε) + wd·w ),   bc_i = 1 − β_i^t
 *
 * @example
 * ```ts
 * import { adamSource } from "./adam_kernel.ts";
 * const k = adamSource(); // w, g, m, v, n, lr, beta1, beta2, eps, wd, bc1, bc2
 * ```
 * @module
 */
import { kernel, type KernelSource } from "./kernel_source.ts";

/** The fused AdamW step. */
export function adamSource(): KernelSource {
  return kernel(
    "qn_adamw_update",
    [
      ["w", "ptr"],
      ["g", "ptr"],
      ["m", "ptr"],
      ["v", "ptr"],
      ["n", "i32"],
      ["lr", "f32"],
      ["beta1", "f32"],
      ["beta2", "f32"],
      ["eps", "f32"],
      ["wd", "f32"],
      ["bc1", "f32"],
      ["bc2", "f32"],
    ],
    `  GRID_LOOP(i, n) {
    float gi = g[i], wi = w[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    float update = (mi / bc1) / (sqrtf(vi / bc2) + eps) + wd * wi;
    w[i] = wi - lr * update;
  }`,
  );
}
