import assert from "node:assert/strict";
import { topKCounts } from "./evaluate.ts";

Deno.test("topKCounts on a hand-worked fixture (ties go to the lower class index; NaN never hits)", () => {
  // 3 examples × 4 classes.
  const logits = new Float32Array([
    0.1,
    0.7,
    0.2,
    0.0, // label 1: top-1 hit
    0.5,
    0.1,
    0.3,
    0.4, // label 2: rank 3 → top-2 miss, top-3 hit
    0.2,
    0.2,
    0.1,
    0.0, // label 1 tied with class 0 → rank 2
  ]);
  const labels = new Int32Array([1, 2, 1]);
  assert.deepEqual(topKCounts(logits, 4, labels, 2), { top1: 1, topk: 2 });
  assert.deepEqual(topKCounts(logits, 4, labels, 3), { top1: 1, topk: 3 });
  const nan = new Float32Array([NaN, 0, 0, 0]);
  assert.deepEqual(topKCounts(nan, 4, new Int32Array([0]), 4), { top1: 0, topk: 0 });
});
