/**
 * Broadcasting binary kernels (`Add`, `Sub`, `Multiply`, `RealDiv`) for the
 * blas backend. tfjs' cpu kernels compute a multi-index per element when
 * operands broadcast (BatchNorm, bias and their gradients do, every step);
 * here the broadcast is merged into at most a few strided loops.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * await tf.setBackend("blas"); // after registerBlasBackend()
 * tf.mul(tf.ones([32, 16, 16, 64]), tf.ones([64])); // one 2-level loop
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { broadcastStrides, collapse } from "./strided.ts";
import { cpuKernel, type KernelFn, output, values } from "./kernel_util.ts";
import { allocOutput } from "./buffer_pool.ts";

type Loop = (
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  n: number[],
  sa: number[],
  sb: number[],
) => void;

// One specialised loop per operator, so the expression inlines (a shared
// loop taking the operator as a callback would be megamorphic). Three
// strided levels cover every NHWC broadcast after collapsing.
function makeLoop(expr: string): Loop {
  return new Function(
    "a",
    "b",
    "out",
    "n",
    "sa",
    "sb",
    `const [n0, n1, n2] = n, [a0, a1, a2] = sa, [b0, b1, b2] = sb;
     let o = 0;
     for (let i = 0; i < n0; i++) {
       for (let j = 0; j < n1; j++) {
         let ia = i * a0 + j * a1, ib = i * b0 + j * b1;
         for (let k = 0; k < n2; k++, ia += a2, ib += b2) {
           const x = a[ia], y = b[ib];
           out[o++] = ${expr};
         }
       }
     }`,
  ) as Loop;
}

const OPS: Record<string, string> = {
  [tf.Add]: "x + y",
  [tf.Sub]: "x - y",
  [tf.Multiply]: "x * y",
  [tf.RealDiv]: "x / y",
};

/** A broadcasting binary kernel for `name` (one of Add, Sub, Multiply, RealDiv). */
export function binaryKernel(name: string): KernelFn {
  const fallback = cpuKernel(name);
  const loop = makeLoop(OPS[name]);
  return (args) => {
    const { a, b } = args.inputs;
    if (a.dtype !== "float32" || b.dtype !== "float32") return fallback(args);
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const c = collapse(outShape, [
      broadcastStrides(a.shape, outShape),
      broadcastStrides(b.shape, outShape),
    ]);
    if (c.shape.length > 3) return fallback(args);
    const pad = 3 - c.shape.length;
    const lift = (xs: number[], fill: number) => [...Array(pad).fill(fill), ...xs];
    const out = allocOutput(outShape.reduce((x, y) => x * y, 1));
    loop(
      values(args.backend, a),
      values(args.backend, b),
      out,
      lift(c.shape, 1),
      lift(c.strides[0], 0),
      lift(c.strides[1], 0),
    );
    return output(args.backend, outShape, out);
  };
}

/** The binary kernels this module provides. */
export const BINARY_KERNELS = Object.keys(OPS);
