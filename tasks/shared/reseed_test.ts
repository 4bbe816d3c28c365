import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { reseedKernels } from "./reseed.ts";

function net(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 4] });
  let x = tf.layers.conv2d({ name: "conv", filters: 16, kernelSize: 3 }).apply(input);
  x = tf.layers.depthwiseConv2d({ name: "dw", kernelSize: 3 }).apply(x);
  x = tf.layers.flatten().apply(x);
  const out = tf.layers.dense({ name: "head", units: 3 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const values = (m: tf.LayersModel, name: string) =>
  Array.from(m.weights.find((w) => w.originalName === name)!.read().dataSync());

Deno.test("reseedKernels: the same kernels for the same seed, He-normal by fan-in", () => {
  const a = reseedKernels(net(), 5), b = reseedKernels(net(), 5), c = reseedKernels(net(), 6);
  for (const name of ["conv/kernel", "dw/depthwise_kernel", "head/kernel"]) {
    assert.deepEqual(values(a, name), values(b, name));
    assert.notDeepEqual(values(a, name), values(c, name));
  }
  // He-normal std sqrt(2 / fan-in): conv 3·3·4 = 36 → 0.2357 (576 draws, the sample std
  // within 10 %); depthwise: the 3·3 window only → 0.4714 (36 draws, within 30 %).
  const std = (v: number[]) => {
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
  };
  assert.ok(Math.abs(std(values(a, "conv/kernel")) / Math.sqrt(2 / 36) - 1) < 0.1);
  assert.ok(Math.abs(std(values(a, "dw/depthwise_kernel")) / Math.sqrt(2 / 9) - 1) < 0.3);
  // Biases keep their zero initial values.
  assert.ok(values(a, "conv/bias").every((v) => v === 0));
  [a, b, c].forEach((m) => m.dispose());
});
