import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { defaultGroups, GroupNorm } from "./group_norm.ts";

Deno.test("GroupNorm matches a hand computation on a 1x1x2x4 input with 2 groups", () => {
  // x at the two positions: [1, 2, 3, 4] and [5, 6, 7, 8]; groups: channels {0,1} and {2,3}.
  // group 0 values {1, 2, 5, 6}: mean 3.5, var ((2.5²+1.5²)·2)/4 = 4.25
  // group 1 values {3, 4, 7, 8}: mean 5.5, var 4.25
  // γ = [1, 2, 1, 1], β = [0, 0, 0, 1] (set below): y = γ (x − μ)/sqrt(4.25 + 1e-5) + β
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]);
  const gn = new GroupNorm({ groups: 2 });
  gn.apply(x);
  gn.setWeights([tf.tensor1d([1, 2, 1, 1]), tf.tensor1d([0, 0, 0, 1])]);
  const y = Array.from((gn.apply(x) as tf.Tensor).dataSync());
  const s = Math.sqrt(4.25 + 1e-5);
  const expected = [
    (1 - 3.5) / s,
    2 * (2 - 3.5) / s,
    (3 - 5.5) / s,
    (4 - 5.5) / s + 1,
    (5 - 3.5) / s,
    2 * (6 - 3.5) / s,
    (7 - 5.5) / s,
    (8 - 5.5) / s + 1,
  ];
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(y[i] - expected[i]) < 1e-5, `y[${i}]=${y[i]}`);
});

Deno.test("GroupNorm normalises each example separately and has input gradients", () => {
  const x = tf.randomNormal([2, 3, 3, 6], 2, 3, "float32", 1);
  const gn = new GroupNorm({ groups: 3 });
  const y = gn.apply(x) as tf.Tensor;
  // per example and group: mean 0, variance 1 (up to ε)
  const grouped = tf.reshape(y, [2, 3, 3, 3, 2]);
  const { mean, variance } = tf.moments(grouped, [1, 2, 4]);
  assert.ok(tf.max(tf.abs(mean)).dataSync()[0] < 1e-5);
  assert.ok(tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0] < 1e-4);
  // d/dx Σ y·w against central differences at one element
  const w = tf.randomNormal([2, 3, 3, 6], 0, 1, "float32", 2);
  const f = (t: tf.Tensor) => tf.sum(tf.mul(gn.apply(t) as tf.Tensor, w));
  const g = tf.grad(f)(x).dataSync();
  const xs = x.dataSync().slice();
  for (const i of [0, 7, 50, 107]) {
    const h = 1e-2;
    const plus = xs.slice(), minus = xs.slice();
    plus[i] += h;
    minus[i] -= h;
    const fd = (f(tf.tensor(plus, x.shape)).dataSync()[0] -
      f(tf.tensor(minus, x.shape)).dataSync()[0]) / (2 * h);
    assert.ok(
      Math.abs(fd - g[i]) < 2e-2 * Math.max(1, Math.abs(fd)),
      `grad[${i}] ${g[i]} vs ${fd}`,
    );
  }
});

Deno.test("GroupNorm refuses groups that do not divide the channels, naming them", () => {
  assert.throws(
    () => new GroupNorm({ groups: 4 }).apply(tf.zeros([1, 2, 2, 6])),
    /4 groups do not divide 6/,
  );
  assert.throws(() => new GroupNorm({ groups: 0 }), /positive integer/);
});

Deno.test("GroupNorm round-trips through the layer serialization", () => {
  const inp = tf.input({ shape: [null, null, 4] });
  const out = new GroupNorm({ groups: 2, epsilon: 1e-3 }).apply(inp) as tf.SymbolicTensor;
  const m = tf.model({ inputs: inp, outputs: out });
  const again = tf.models.modelFromJSON({ modelTopology: m.toJSON(null, false) } as never);
  return again.then((m2) => {
    const layer = m2.layers[1] as GroupNorm;
    assert.equal(layer.groups, 2);
    assert.equal(layer.epsilon, 1e-3);
  });
});

Deno.test("defaultGroups picks the largest divisor of the channels up to 32", () => {
  assert.deepEqual([256, 48, 24, 7, 1].map((c) => defaultGroups(c)), [32, 24, 24, 7, 1]);
  assert.equal(defaultGroups(96), 32);
  assert.equal(defaultGroups(40), 20);
});
