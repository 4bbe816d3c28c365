import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { headFlops } from "./head_flops.ts";

Deno.test("headFlops counts each conv at the spatial size the inputs give it", () => {
  // input [H, W, 4] free; conv 3×3 4->8 'same', then conv 1×1 8->2 with stride 2
  const x = tf.input({ shape: [null, null, 4] });
  const a = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same" }).apply(
    x,
  ) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 2, kernelSize: 1, strides: 2 }).apply(
    a,
  ) as tf.SymbolicTensor;
  const m = tf.model({ inputs: x, outputs: b });
  // at 16×12: conv1 2·(3·3·4)·8·(16·12) = 110,592; conv2 output 8×6: 2·8·2·48 = 1,536
  assert.equal(headFlops(m, [[null, 16, 12, 4]]), 110_592 + 1_536);
});

Deno.test("headFlops counts a layer shared across inputs once per use", () => {
  // one 1×1 conv 4->4 applied to a 8×8 and a 4×4 map: 2·4·4·(64 + 16) = 2,560
  const a = tf.input({ shape: [null, null, 4] }), b = tf.input({ shape: [null, null, 4] });
  const shared = tf.layers.conv2d({ filters: 4, kernelSize: 1 });
  const m = tf.model({
    inputs: [a, b],
    outputs: [shared.apply(a) as tf.SymbolicTensor, shared.apply(b) as tf.SymbolicTensor],
  });
  assert.equal(headFlops(m, [[null, 8, 8, 4], [null, 4, 4, 4]]), 2_560);
});
