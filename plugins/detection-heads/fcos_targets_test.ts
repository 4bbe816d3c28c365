import assert from "node:assert/strict";
import { assignFcosTargets, centernessOf, defaultSizeRanges } from "./fcos_targets.ts";

const target = (boxes: number[], labels: number[]) => ({
  boxes: new Float32Array(boxes),
  labels: new Int32Array(labels),
});
const positives = (labels: Int32Array) => [...labels].flatMap((l, i) => l >= 0 ? [[i, l]] : []);

Deno.test("defaultSizeRanges follows FCOS' 64/128/256/512 edges with an open last level", () => {
  assert.deepEqual(defaultSizeRanges(5), [[-1, 64], [64, 128], [128, 256], [256, 512], [
    512,
    Infinity,
  ]]);
  assert.deepEqual(defaultSizeRanges(3), [[-1, 64], [64, 128], [128, Infinity]]);
});

Deno.test("centre sampling keeps only locations near the box centre", () => {
  // stride 8, 4x4 grid: locations at 4, 12, 20, 28. Box [0,0,32,32] (centre 16,16), label 2.
  // radius 1.5·8 = 12 → sampling region [4,4,28,28]; strictly inside: x, y ∈ {12, 20}
  // → grid cells (1,1), (1,2), (2,1), (2,2) = indices 5, 6, 9, 10.
  const level = { stride: 8, height: 4, width: 4, range: [-1, Infinity] as [number, number] };
  const t = assignFcosTargets(target([0, 0, 32, 32], [2]), [level], { centerRadius: 1.5 });
  assert.deepEqual(positives(t.labels), [[5, 2], [6, 2], [9, 2], [10, 2]]);
  assert.equal(t.numPositives, 4);
  // at (12, 12): l = t = 12, r = b = 20; centerness sqrt(0.6 · 0.6) = 0.6
  assert.deepEqual([...t.ltrb.subarray(20, 24)], [12, 12, 20, 20]);
  assert.ok(Math.abs(t.centerness[5] - 0.6) < 1e-6);
  assert.equal(t.centerness[0], 0);
  // without sampling every location (4..28) lies strictly inside the box
  const all = assignFcosTargets(target([0, 0, 32, 32], [2]), [level], { centerRadius: 0 });
  assert.equal(all.numPositives, 16);
  // corner (4, 4): l = t = 4, r = b = 28 → centerness 4/28 = 0.142857
  assert.ok(Math.abs(all.centerness[0] - 4 / 28) < 1e-6);
});

Deno.test("per-level size ranges send small boxes to fine levels and large to coarse", () => {
  // level 0: stride 8, 4x4 (locations 4,12,20,28), range [−1, 16];
  // level 1: stride 16, 2x2 (locations 8, 24), range [16, ∞]
  // A = [2,2,14,14] (label 0): at level 0 the locations x,y ∈ {4,12} see max distance 10 ≤ 16.
  // B = [0,0,32,32] (label 1): at level 0 every location has max distance ≥ 20 > 16 → none;
  //   at level 1 each location has max distance 24 ∈ [16, ∞] → B; A's max there is 6 < 16.
  const t = assignFcosTargets(target([2, 2, 14, 14, 0, 0, 32, 32], [0, 1]), [
    { stride: 8, height: 4, width: 4, range: [-1, 16] },
    { stride: 16, height: 2, width: 2, range: [16, Infinity] },
  ], { centerRadius: 0 });
  assert.deepEqual(positives(t.labels), [[0, 0], [1, 0], [4, 0], [5, 0], [16, 1], [17, 1], [
    18,
    1,
  ], [19, 1]]);
  // level 1, location (24, 8) = index 17: l = 24, t = 8, r = 8, b = 24
  assert.deepEqual([...t.ltrb.subarray(68, 72)], [24, 8, 8, 24]);
  assert.ok(Math.abs(t.centerness[17] - centernessOf(24, 8, 8, 24)) < 1e-7);
  assert.ok(Math.abs(centernessOf(24, 8, 8, 24) - 1 / 3) < 1e-7);
});

Deno.test("a location inside two boxes takes the smaller one, whatever the order", () => {
  // location (4, 4) lies in B = [0,0,32,32] (area 1024) and A = [2,2,14,14] (area 144) → A
  const level = { stride: 8, height: 4, width: 4, range: [-1, Infinity] as [number, number] };
  const t = assignFcosTargets(target([0, 0, 32, 32, 2, 2, 14, 14], [1, 0]), [level], {
    centerRadius: 0,
  });
  assert.equal(t.labels[0], 0);
  assert.deepEqual([...t.ltrb.subarray(0, 4)], [2, 2, 10, 10]);
  assert.equal(t.labels[15], 1); // (28, 28) only in B
});

Deno.test("an image without boxes is all background; bad box arrays are refused", () => {
  const level = { stride: 8, height: 2, width: 2, range: [-1, Infinity] as [number, number] };
  const t = assignFcosTargets(target([], []), [level]);
  assert.equal(t.numPositives, 0);
  assert.deepEqual([...t.labels], [-1, -1, -1, -1]);
  assert.throws(() => assignFcosTargets(target([0, 0, 1], [0]), [level]), /4 numbers/);
});
