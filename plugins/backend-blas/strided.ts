/**
 * Shape helpers for the fast elementwise kernels: operands viewed through
 * strides (0 on broadcast axes), with adjacent axes merged where both
 * operands walk them contiguously, so most broadcasts become a 1- or 2-level
 * loop.
 *
 * @example
 * ```ts
 * collapse([4, 5, 6, 3], [[90, 18, 3, 1], [0, 0, 0, 1]]);
 * // { shape: [120, 3], strides: [[3, 1], [0, 1]] }
 * ```
 * @module
 */

/** Row-major strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Strides of an operand of `shape` broadcast to `outShape` (0 where it repeats). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const j = i - off;
    if (j < 0 || shape[j] === 1) return 0;
    return own[j];
  });
}

/** Drops size-1 axes and merges adjacent axes every operand walks contiguously. */
export function collapse(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 &&
      strides.every((s, k) => out[k][last] === s[i] * shape[i]);
    if (mergeable) {
      outShape[last] *= shape[i];
      strides.forEach((s, k) => (out[k][last] = s[i]));
    } else {
      outShape.push(shape[i]);
      strides.forEach((s, k) => out[k].push(s[i]));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: out };
}
