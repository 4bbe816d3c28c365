/**
 * NVRTC sources for 2-D pooling over NHWC, with tfjs' semantics: max pooling
 * takes the first maximum of a window in row-major order (a later equal
 * value does not replace it), average pooling divides by the number of
 * in-bounds elements (padding not counted), and the max-pool gradient sends
 * each output's gradient to the first maximum of its window.
 *
 * Geometry parameters (all ints): N, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL
 * (pad top / left), DH, DW (dilation).
 *
 * @example
 * ```ts
 * import { poolSource } from "./pool_kernels.ts";
 * const k = poolSource("max"); // x, y, n (= N·OH·OW·C), then the geometry
 * ```
 * @module
 */
import type { tf } from "@quadranet/core";
import { kernel, type KernelSource, type ParamKind } from "./kernel_source.ts";

const GEOMETRY = ["N", "H", "W", "C", "OH", "OW", "KH", "KW", "SH", "SW", "PT", "PL", "DH", "DW"];
const geometry = GEOMETRY.map((g) => [g, "i32"] as [string, ParamKind]);

/** The geometry arguments of the kernels (in `GEOMETRY`'s order) from tfjs' pooling plan. */
export function poolArgs(info: tf.backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.dilationHeight,
    info.dilationWidth,
  ];
}

/** Decomposes output index `i` (NHWC) and visits the window, `VISIT(ih, iw, k)` per valid tap. */
function window(visit: string): string {
  return `    int c = i % C, t = i / C;
    int ow = t % OW; t /= OW;
    int oh = t % OH; int b = t / OH;
    for (int kh = 0; kh < KH; kh++) {
      int ih = oh * SH - PT + kh * DH;
      if (ih < 0 || ih >= H) continue;
      for (int kw = 0; kw < KW; kw++) {
        int iw = ow * SW - PL + kw * DW;
        if (iw < 0 || iw >= W) continue;
        int k = ((b * H + ih) * W + iw) * C + c;
${visit}
      }
    }`;
}

/** Max or average pooling forward. */
export function poolSource(kind: "max" | "avg"): KernelSource {
  const body = kind === "max"
    ? `  GRID_LOOP(i, n) {
    float best = __int_as_float(0xff800000); int found = 0;
${window("        float v = x[k]; if (!found || v > best || v != v) { best = v; found = 1; }")}
    y[i] = best;
  }`
    : `  GRID_LOOP(i, n) {
    float s = 0.0f; int count = 0;
${window("        s += x[k]; count++;")}
    y[i] = count > 0 ? s / count : 0.0f;
  }`;
  return kernel(`qn_pool_${kind}`, [["x", "ptr"], ["y", "ptr"], ["n", "i32"], ...geometry], body);
}

/**
 * Max-pool gradient as a scatter-free pass over outputs: each output finds
 * its window's first maximum and adds `dy` there with an atomic add
 * (windows overlap when stride < kernel). `dx` must be zeroed first.
 */
export function maxPoolGradSource(): KernelSource {
  return kernel(
    "qn_pool_max_grad",
    [["x", "ptr"], ["dy", "ptr"], ["dx", "ptr"], ["n", "i32"], ...geometry],
    `  GRID_LOOP(i, n) {
    float best = __int_as_float(0xff800000); int found = 0, at = -1;
${window("        float v = x[k]; if (!found || v > best) { best = v; found = 1; at = k; }")}
    if (at >= 0) atomicAdd(dx + at, dy[i]);
  }`,
  );
}
