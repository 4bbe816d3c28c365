import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { SemanticSoftmax } from "./semantic_softmax.ts";

// A 3-level toy tree: roots 0 and 1; 2 and 3 under 0; 4 under 2.
//   level 0: [0, 1]   level 1: [2, 3]   level 2: [4]
// N = 5 classes; N≥0 = 5, N≥1 = 3, N≥2 = 1, so the weights are 5/5, 5/3, 5/1.
const TREE = { levels: [[0, 1], [2, 3], [4]], parent: [-1, -1, 0, 0, 2] };

Deno.test("SemanticSoftmax: weights N / N≥l and per-level targets", () => {
  const s = new SemanticSoftmax(TREE);
  assert.deepEqual(s.weights, [1, 5 / 3, 5]);
  const t = s.targets(new Int32Array([4, 1, 3]));
  // class 4 → ancestors 2 (level 1, position 0) and 0 (level 0, position 0)
  assert.deepEqual(Array.from(t[0]), [0, 1, 0]);
  assert.deepEqual(Array.from(t[1]), [0, -1, 1]);
  assert.deepEqual(Array.from(t[2]), [0, -1, -1]);
  s.dispose();
});

Deno.test("SemanticSoftmax: loss and semantic top-1 equal the hand-computed values", () => {
  const s = new SemanticSoftmax(TREE);
  // sample a: label 4; sample b: label 1.
  const logits = [
    [1, 0, 2, 0, 0.5],
    [2, 1, 0, 3, 7],
  ];
  const labels = new Int32Array([4, 1]);
  // a, level 0: [1, 0] target 0 → log(1 + e^-1) = 0.313262; level 1: [2, 0] target 0 →
  //   log(1 + e^-2) = 0.126928; level 2 has one class: left out (its softmax is constant).
  // b, level 0: [2, 1] target 1 → log(e^2 + e) − 1 = 1.313262; levels 1, 2: no target.
  // loss = (1·(0.313262 + 1.313262) + 5/3·0.126928 + 5·0) / 2 = 0.919035
  const loss = tf.tidy(() => s.loss(tf.tensor2d(logits), labels).dataSync()[0]);
  assert.ok(Math.abs(loss - 0.9190350300540332) < 1e-6, `loss ${loss}`);
  // Level 0: a hit, b miss (argmax position 0, target 1) → 1/2; level 1: 1/1; level 2: left out.
  const { hits, counts } = s.levelHits(new Float32Array(logits.flat()), labels);
  assert.deepEqual(hits, [1, 1, 0]);
  assert.deepEqual(counts, [2, 1, 0]);
  assert.ok(Math.abs(SemanticSoftmax.semanticTop1(hits, counts) - (0.5 + 1) / 2) < 1e-12);
  s.dispose();
});

Deno.test("SemanticSoftmax: gradient of the loss matches central finite differences", () => {
  const s = new SemanticSoftmax(TREE);
  const labels = new Int32Array([4, 1]);
  const x0 = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.7, -0.1, 0.0, 0.4];
  const f = (v: number[]) => tf.tidy(() => s.loss(tf.tensor2d(v, [2, 5]), labels).dataSync()[0]);
  const grad = tf.tidy(() =>
    tf.grad((x: tf.Tensor) => s.loss(x, labels))(tf.tensor2d(x0, [2, 5])).dataSync()
  );
  const h = 1e-2;
  x0.forEach((_, i) => {
    const up = x0.slice(), down = x0.slice();
    up[i] += h;
    down[i] -= h;
    const fd = (f(up) - f(down)) / (2 * h);
    assert.ok(Math.abs(fd - grad[i]) < 1e-3, `d/dx${i}: ${grad[i]} vs ${fd}`);
  });
  s.dispose();
});
