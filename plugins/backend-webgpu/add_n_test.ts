import assert from "node:assert/strict";
import { selectBackend, tf } from "@quadranet/core";
import { chunkRanges } from "./add_n.ts";
import { webgpuForTests } from "./webgpu_available.ts";
import "./mod.ts";

Deno.test("chunkRanges() covers every input once in groups of at most `size`", () => {
  assert.deepEqual(chunkRanges(7, 7), [[0, 7]]);
  assert.deepEqual(chunkRanges(8, 7), [[0, 7], [7, 8]]);
  assert.deepEqual(chunkRanges(15, 7), [[0, 7], [7, 14], [14, 15]]);
  assert.throws(() => chunkRanges(4, 1), /below 2/);
});

const gpu = await webgpuForTests();

Deno.test({
  name: "addN on webgpu is right beyond the storage-buffer limit (8, 33 and 70 inputs)",
  ignore: !gpu.ok,
  async fn() {
    await selectBackend("webgpu", { quiet: true });
    try {
      for (const n of [8, 33, 70]) {
        // inputs i+1 (shape [3]); the sum of each entry is n(n+1)/2
        const xs = Array.from({ length: n }, (_, i) => tf.fill([3], i + 1));
        const before = tf.memory().numTensors;
        const sum = tf.addN(xs);
        assert.deepEqual(Array.from(await sum.data()), new Array(3).fill((n * (n + 1)) / 2));
        assert.equal(tf.memory().numTensors, before + 1, "partial sums are freed");
        tf.dispose([sum, ...xs]);
      }
    } finally {
      await tf.setBackend("cpu");
    }
  },
});
