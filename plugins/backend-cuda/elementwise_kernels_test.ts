/**
 * The generated elementwise CUDA sources, executed on the CPU through the g++
 * emulation (testing/cxx_emulator.ts) with several grid/block shapes, against
 * tfjs' cpu kernels. Float ops compare within 1e-6 relative (libm vs tfjs'
 * Math.*); index-only kernels (gather, pad) must match exactly.
 */
import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { BINARY_OPS, UNARY_OPS, unarySource } from "./elementwise_kernels.ts";
import { parseKernelSignature } from "./kernel_source.ts";
import { broadcastPlan, coalesce, contiguousStrides, transposePlan } from "./planning.ts";
import { compileKernels, cxxAvailable } from "./testing/cxx_emulator.ts";
import { ELEMENTWISE_KERNELS } from "./testing/kernel_variants.ts";

const cxx = await cxxAvailable();

const ALL = ELEMENTWISE_KERNELS;

/** One g++ run for the whole file (the compiler's start-up dominates). */
const emu = cxx ? await compileKernels(ALL) : undefined;

Deno.test("every generated kernel's signature is the parameter list its launcher passes", () => {
  for (const k of ALL) {
    assert.deepEqual(
      parseKernelSignature(k.source, k.name),
      k.params.map(([n, t]) => [n, t]),
      k.name,
    );
    assert.equal(
      (k.source.match(/\{/g) ?? []).length,
      (k.source.match(/\}/g) ?? []).length,
      k.name,
    );
  }
  assert.throws(() => unarySource("Erf"), /no CUDA unary kernel for Erf/);
});

function close(
  got: Float32Array,
  want: Float32Array | Int32Array | Uint8Array,
  what: string,
  tol = 1e-6,
) {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    const w = want[i], g = got[i];
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${what}[${i}]: ${g} vs NaN`);
    else {assert.ok(
        Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)),
        `${what}[${i}]: ${g} vs ${w}`,
      );}
  }
}

const LAUNCHES = [{ grid: 1, block: 1 }, { grid: 2, block: 4 }, { grid: 3, block: 8 }];

Deno.test({
  name: "unary kernels match tfjs on values including 0, negatives and NaN",
  ignore: !cxx,
  async fn() {
    const x = new Float32Array([-3, -1.5, -0.25, 0, 0.25, 1, 2.5, 7, NaN, 0.75, -6.5]);
    const pos = x.map(Math.abs).map((v) => v + 0.5);
    const ref: Record<string, (t: tf.Tensor) => tf.Tensor> = {
      Relu: tf.relu,
      Relu6: tf.relu6,
      Neg: tf.neg,
      Exp: tf.exp,
      Log: tf.log,
      Sqrt: tf.sqrt,
      Rsqrt: tf.rsqrt,
      Square: tf.square,
      Abs: tf.abs,
      Reciprocal: tf.reciprocal,
      Sigmoid: tf.sigmoid,
      Tanh: tf.tanh,
      Step: (t) => tf.step(t, 0.3),
      Scale: (t) => tf.mul(t, 0.3),
    };
    for (const op of Object.keys(UNARY_OPS)) {
      const input = /Log|Sqrt|Rsqrt|Reciprocal/.test(op) ? pos : x;
      for (const launch of LAUNCHES) {
        const y = new Float32Array(input.length);
        emu!.run(`qn_unary_${op}`, [input, y, input.length, 0.3], launch);
        close(
          y,
          await ref[op](tf.tensor(input)).data() as Float32Array,
          `${op} ${JSON.stringify(launch)}`,
        );
      }
    }
  },
});

Deno.test({
  name: "broadcast binary kernels match tfjs on the edge shapes (plans of rank 1-4)",
  ignore: !cxx,
  async fn() {
    const shapes: [number[], number[]][] = [
      [[7], [7]],
      [[2, 3, 4], [4]],
      [[4, 1, 3], [5, 1]],
      [[2, 1, 4, 1], [1, 3, 1, 5]],
      [[3, 5, 5, 6], [6]],
      [[3, 5, 5, 6], [3, 1, 1, 6]],
      [[], [5]],
    ];
    const ref: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
      Add: tf.add,
      Sub: tf.sub,
      Multiply: tf.mul,
      RealDiv: tf.div,
      Maximum: tf.maximum,
      Minimum: tf.minimum,
      SquaredDifference: tf.squaredDifference,
    };
    for (const [sa, sb] of shapes) {
      const a0 = tf.randomUniform(sa, -2, 2, "float32", 1),
        b = tf.randomUniform(sb, 0.5, 2, "float32", 2);
      const av = await a0.data() as Float32Array, bv = await b.data() as Float32Array;
      if (av.length > 3) av[3] = NaN; // NaN propagates through every op
      const a = tf.tensor(av, sa);
      const p = broadcastPlan(sa, sb);
      const n = p.outShape.reduce((x, y) => x * y, 1);
      for (const op of Object.keys(BINARY_OPS)) {
        const out = new Float32Array(n);
        emu!.run(`qn_binary_${op}_r${p.dims.length}`, [
          av,
          bv,
          out,
          n,
          ...p.dims,
          ...p.strides[0],
          ...p.strides[1],
        ], LAUNCHES[1]);
        close(out, await ref[op](a, b).data() as Float32Array, `${op} [${sa}]·[${sb}]`);
      }
    }
  },
});

Deno.test({
  name:
    "gather (transpose, slice) and pad kernels reproduce tf.transpose, tf.slice and tf.pad exactly",
  ignore: !cxx,
  async fn() {
    const shape = [3, 3, 4, 5];
    const x = Float32Array.from({ length: 180 }, (_, i) => i);
    // transpose HWIO -> OHWI
    const t = transposePlan(shape, [3, 0, 1, 2]);
    const y = new Float32Array(180);
    emu!.run(`qn_gather_r${t.dims.length}`, [x, y, 180, 0, ...t.dims, ...t.inStrides]);
    assert.deepEqual(
      Array.from(y),
      Array.from(await tf.transpose(tf.tensor(x, shape), [3, 0, 1, 2]).data()),
    );
    // slice [1:3, :, 1:3, 2:5]: base offset + the input's own strides along the output walk
    const begin = [1, 0, 1, 2], size = [2, 3, 2, 3];
    const own = contiguousStrides(shape);
    const c = coalesce(size, [own]);
    const ys = new Float32Array(36);
    const base = begin.reduce((s, b, i) => s + b * own[i], 0);
    emu!.run(`qn_gather_r${c.dims.length}`, [x, ys, 36, base, ...c.dims, ...c.strides[0]]);
    assert.deepEqual(
      Array.from(ys),
      Array.from(await tf.slice(tf.tensor(x, shape), begin, size).data()),
    );
    // pad NHWC with the cuDNN asymmetric extra (bottom/right) and a constant
    const pads: [number, number][] = [[0, 0], [1, 2], [0, 1], [0, 0]];
    const outShape = shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    const n = outShape.reduce((a, b) => a * b, 1);
    const yp = new Float32Array(n);
    emu!.run("qn_pad_r4", [x, yp, n, -1, ...outShape, ...shape, ...pads.map((p) => p[0]), ...own]);
    assert.deepEqual(
      Array.from(yp),
      Array.from(await tf.pad(tf.tensor(x, shape), pads, -1).data()),
    );
  },
});

Deno.test({
  name: "fused quadratic-product backward gives dy⊙v and dy⊙u",
  ignore: !cxx,
  fn() {
    const n = 37;
    const dy = Float32Array.from({ length: n }, (_, i) => i - 18),
      u = dy.map((v) => v * 0.5 + 1),
      v = dy.map((q) => 2 - q);
    const du = new Float32Array(n), dv = new Float32Array(n);
    emu!.run("qn_quad_product_backward", [dy, u, v, du, dv, n]);
    assert.deepEqual(Array.from(du), Array.from(dy, (g, i) => Math.fround(g * v[i])));
    assert.deepEqual(Array.from(dv), Array.from(dy, (g, i) => Math.fround(g * u[i])));
  },
});

Deno.test({
  name: "emulated kernels: release the compiled library",
  ignore: !cxx,
  sanitizeResources: false, // opened at module load, shared by the tests above
  fn: () => emu!.close(),
});
