import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { parseKernelSignature } from "./kernel_source.ts";
import { REDUCE_OPS, reduceSource } from "./reduce_kernels.ts";
import { compileKernels, cxxAvailable } from "./testing/cxx_emulator.ts";

const cxx = await cxxAvailable();
const KERNELS = Object.keys(REDUCE_OPS).map(reduceSource);

Deno.test("reduction sources declare what the launcher passes and fit the 256-thread buffer", () => {
  for (const k of KERNELS) {
    assert.deepEqual(parseKernelSignature(k.source, k.name), k.params.map(([n, t]) => [n, t]));
    assert.match(k.source, /__shared__ float buf\[256\]/);
    assert.equal(k.block, 256);
  }
});

Deno.test({
  name:
    "Sum/Max/Min row reductions match tfjs for rows shorter and longer than the block, with NaN",
  ignore: !cxx,
  async fn() {
    const emu = await compileKernels(KERNELS);
    const ref = { Sum: tf.sum, Max: tf.max, Min: tf.min } as Record<
      string,
      (x: tf.Tensor, ax: number) => tf.Tensor
    >;
    for (const [outer, inner] of [[5, 3], [3, 37], [2, 1], [1, 100]]) {
      const x = Float32Array.from({ length: outer * inner }, (_, i) => ((i * 37) % 23) - 11.5);
      if (outer * inner > 40) x[41] = NaN; // row 0 or 1 gets a NaN
      for (const op of Object.keys(REDUCE_OPS)) {
        for (
          const launch of [{ grid: 1, block: 1 }, { grid: 2, block: 8 }, { grid: 4, block: 32 }]
        ) {
          const y = new Float32Array(outer);
          emu.run(`qn_reduce_${op}`, [x, y, outer, inner, 1], launch);
          const want = await ref[op](tf.tensor(x, [outer, inner]), 1).data();
          for (let r = 0; r < outer; r++) {
            const w = want[r], g = y[r];
            if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${op} row ${r}: ${g} vs NaN`);
            // sums are reassociated by the tree: float rounding only
            else {assert.ok(
                Math.abs(g - w) <= 1e-5 * Math.max(1, Math.abs(w)),
                `${op} ${outer}×${inner} row ${r}: ${g} vs ${w}`,
              );}
          }
        }
      }
    }
    // Mean = Sum with scale 1/inner
    const x = Float32Array.from({ length: 12 }, (_, i) => i);
    const y = new Float32Array(3);
    emu.run("qn_reduce_Sum", [x, y, 3, 4, 1 / 4]);
    assert.deepEqual(Array.from(y), [1.5, 5.5, 9.5]);
    emu.close();
  },
});
