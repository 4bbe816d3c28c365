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

type Loop = (
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  n0: number,
  n1: number,
  a0: number,
  a1: number,
  b0: number,
  b1: number,
) => void;

// One specialised loop per operator, so the expression inlines (a shared
// loop taking the operator as a callback would be megamorphic).
function makeLoop(expr: string): Loop {
  return new Function(
    "a",
    "b",
    "out",
    "n0",
    "n1",
    "a0",
    "a1",
    "b0",
    "b1",
    `let o = 0;
     for (let i = 0; i < n0; i++) {
       let ia = i * a0, ib = i * b0;
       for (let j = 0; j < n1; j++, ia += a1, ib += b1) {
         const x = a[ia], y = b[ib];
         out[o++] = ${expr};
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
    if (c.shape.length > 2) return fallback(args);
    const [sa, sb] = c.strides;
    const two = c.shape.length === 2;
    const out = new Float32Array(outShape.reduce((x, y) => x * y, 1));
    loop(
      values(args.backend, a),
      values(args.backend, b),
      out,
      two ? c.shape[0] : 1,
      two ? c.shape[1] : c.shape[0],
      two ? sa[0] : 0,
      two ? sa[1] : sa[0],
      two ? sb[0] : 0,
      two ? sb[1] : sb[0],
    );
    return output(args.backend, outShape, out);
  };
}

/** The binary kernels this module provides. */
export const BINARY_KERNELS = Object.keys(OPS);
