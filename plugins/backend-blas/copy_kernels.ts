/**
 * `Slice` and `PadV2` for the blas backend: block copies of the contiguous
 * innermost run instead of tfjs' per-element index arithmetic. (The atrous
 * adapters pad, phase-split and slice activations every step; so do the
 * gradients of pad and slice.)
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * await tf.setBackend("blas"); // after registerBlasBackend()
 * tf.slice(tf.ones([8, 16, 16, 4]), [0, 1, 1, 0], [-1, 14, 14, -1]);
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { contiguousStrides } from "./strided.ts";
import { cpuKernel, type KernelFn, output, values } from "./kernel_util.ts";
import { allocOutput, allocZeroedOutput } from "./buffer_pool.ts";

/**
 * Calls `visit(srcOffset, dstOffset)` for every innermost row of a box of
 * `size` inside source strides `src` starting at `begin`, destination
 * strides `dst` with offset `dstBegin`.
 */
function forEachRow(
  size: number[],
  begin: number[],
  src: number[],
  dst: number[],
  dstBegin: number[],
  visit: (s: number, d: number) => void,
): void {
  const rank = size.length;
  const idx = new Array(rank - 1).fill(0);
  const total = size.slice(0, -1).reduce((p, q) => p * q, 1);
  for (let n = 0; n < total; n++) {
    let s = begin[rank - 1] * src[rank - 1], d = dstBegin[rank - 1] * dst[rank - 1];
    for (let k = 0; k < rank - 1; k++) {
      s += (begin[k] + idx[k]) * src[k];
      d += (dstBegin[k] + idx[k]) * dst[k];
    }
    visit(s, d);
    for (let k = rank - 2; k >= 0; k--) {
      if (++idx[k] < size[k]) break;
      idx[k] = 0;
    }
  }
}

/** The `Slice` kernel. */
export function sliceKernel(): KernelFn {
  const fallback = cpuKernel(tf.Slice);
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== "float32" || x.shape.length === 0) return fallback(args);
    const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
    const [$begin, $size] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    tf.slice_util.assertParamsValid(x as tf.Tensor, $begin, $size);
    const xv = values(args.backend, x);
    const out = allocOutput($size.reduce((p, q) => p * q, 1));
    const row = $size[$size.length - 1];
    if (out.length > 0) {
      forEachRow(
        $size,
        $begin,
        contiguousStrides(x.shape),
        contiguousStrides($size),
        $size.map(() => 0),
        (s, d) => out.set(xv.subarray(s, s + row), d),
      );
    }
    return output(args.backend, $size, out);
  };
}

/** The `PadV2` kernel. */
export function padKernel(): KernelFn {
  const fallback = cpuKernel(tf.PadV2);
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== "float32" || x.shape.length === 0) return fallback(args);
    const { paddings, constantValue } = args.attrs as unknown as {
      paddings: [number, number][];
      constantValue: number;
    };
    const shape = x.shape.map((n, i) => paddings[i][0] + n + paddings[i][1]);
    const n = shape.reduce((p, q) => p * q, 1);
    const out = constantValue !== 0 ? allocOutput(n).fill(constantValue) : allocZeroedOutput(n);
    const xv = values(args.backend, x);
    const row = x.shape[x.shape.length - 1];
    if (xv.length > 0) {
      forEachRow(
        x.shape,
        x.shape.map(() => 0),
        contiguousStrides(x.shape),
        contiguousStrides(shape),
        paddings.map((p) => p[0]),
        (s, d) => out.set(xv.subarray(s, s + row), d),
      );
    }
    return output(args.backend, shape, out);
  };
}

/** The `Tile` kernel: each source row copied `reps` times along every axis. */
export function tileKernel(): KernelFn {
  const fallback = cpuKernel(tf.Tile);
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== "float32" || x.shape.length === 0) return fallback(args);
    const { reps } = args.attrs as unknown as { reps: number[] };
    const shape = x.shape.map((n, i) => n * reps[i]);
    const out = allocOutput(shape.reduce((p, q) => p * q, 1));
    const xv = values(args.backend, x);
    if (out.length === 0) return output(args.backend, shape, out);
    // Build the tiled array axis by axis from the innermost: after axis k,
    // the block at each outer index holds the tiled trailing dims.
    const rank = shape.length;
    let block = xv.slice();
    let blockShape = x.shape.slice();
    for (let k = rank - 1; k >= 0; k--) {
      if (reps[k] === 1) continue;
      const outerN = blockShape.slice(0, k).reduce((p, q) => p * q, 1);
      const inner = blockShape.slice(k).reduce((p, q) => p * q, 1);
      const next = new Float32Array(outerN * inner * reps[k]);
      for (let o = 0; o < outerN; o++) {
        const src = block.subarray(o * inner, (o + 1) * inner);
        for (let r = 0; r < reps[k]; r++) next.set(src, (o * reps[k] + r) * inner);
      }
      block = next;
      blockShape = blockShape.map((n, i) => (i === k ? n * reps[k] : n));
    }
    out.set(block);
    return output(args.backend, shape, out);
  };
}
