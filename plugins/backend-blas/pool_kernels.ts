/**
 * NHWC `MaxPool` and `MaxPoolGrad` for the blas backend. tfjs' cpu
 * gradient recomputes every window's arg-max with generic index arithmetic
 * and dominated small-CNN training steps; here each window is scanned once
 * and the gradient scattered to its first maximum (tfjs' tie rule).
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * await tf.setBackend("blas"); // after registerBlasBackend()
 * tf.maxPool(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, 2, 2, "valid");
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { cpuKernel, type KernelFn, output, values } from "./kernel_util.ts";

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function info(shape: number[], a: PoolAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
}

/** Visits each output position with the flat input index of its window's first maximum (−1: none). */
function argmaxes(
  x: Float32Array,
  c: tf.backend_util.Conv2DInfo,
  visit: (o: number, at: number, max: number) => void,
) {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const top = c.padInfo.top, left = c.padInfo.left;
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * c.strideHeight - top;
      const ya = Math.max(0, y0), yb = Math.min(H, y0 + c.filterHeight);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * c.strideWidth - left;
        const xa = Math.max(0, x0), xb = Math.min(W, x0 + c.filterWidth);
        for (let ch = 0; ch < C; ch++, o++) {
          let best = -Infinity, at = -1;
          for (let y = ya; y < yb; y++) {
            let i = ((b * H + y) * W + xa) * C + ch;
            for (let xx = xa; xx < xb; xx++, i += C) {
              if (x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          }
          visit(o, at, best);
        }
      }
    }
  }
}

/** The `MaxPool` kernel. */
export function maxPoolKernel(): KernelFn {
  const fallback = cpuKernel(tf.MaxPool);
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== "float32" || x.shape.length !== 4) return fallback(args);
    const c = info(x.shape, args.attrs as unknown as PoolAttrs);
    const out = new Float32Array(c.outShape.reduce((p, q) => p * q, 1));
    const xv = values(args.backend, x);
    argmaxes(xv, c, (o, at, max) => (out[o] = at < 0 ? NaN : max));
    return output(args.backend, c.outShape, out);
  };
}

/** The `MaxPoolGrad` kernel. */
export function maxPoolGradKernel(): KernelFn {
  const fallback = cpuKernel(tf.MaxPoolGrad);
  return (args) => {
    const { dy, input } = args.inputs;
    if (input.dtype !== "float32" || input.shape.length !== 4) return fallback(args);
    const c = info(input.shape, args.attrs as unknown as PoolAttrs);
    const dx = new Float32Array(input.shape.reduce((p, q) => p * q, 1));
    const g = values(args.backend, dy);
    argmaxes(values(args.backend, input), c, (o, at) => {
      if (at >= 0) dx[at] += g[o];
    });
    return output(args.backend, input.shape, dx);
  };
}
