import assert from "node:assert/strict";
import { centerNetTargets, drawGaussian, gaussianRadius } from "./centernet_targets.ts";

const close = (a: number, b: number, tol = 1e-5, what = "value") =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("gaussianRadius reproduces the CenterNet implementation on a 10x10 box", () => {
  // min overlap 0.7, h = w = 10:
  // r1 = (20 + sqrt(400 − 4·17.647059))/2 = 19.074852
  // r2 = (40 + sqrt(1600 − 16·30))/2 = 36.733201
  // r3 = (−28 + sqrt(784 + 4·2.8·30))/2 = (−28 + 33.466401)/2 = 2.733201 → min
  close(gaussianRadius(10, 10), 2.733201);
  // 4 x 20 box: r3 = (−33.6 + sqrt(1128.96 + 4·2.8·24))/2 = (−33.6 + 37.386629)/2 = 1.893314
  close(gaussianRadius(4, 20), 1.893314, 1e-5);
});

Deno.test("drawGaussian splats exp(−d²/2σ²) with σ = (2r+1)/6 and keeps the max", () => {
  // r = 2 → σ = 5/6, 2σ² = 25/18: d² = 1 → exp(−0.72) = 0.486752; d² = 2 → 0.236928;
  // d² = 4 → exp(−2.88) = 0.056135; beyond the radius: 0
  const hm = new Float32Array(7 * 7);
  hm[3 * 7 + 4] = 0.9; // an existing higher value survives
  drawGaussian(hm, [7, 7, 1], 0, 3, 3, 2);
  close(hm[3 * 7 + 3], 1);
  close(hm[3 * 7 + 2], 0.486752);
  close(hm[2 * 7 + 2], 0.236928);
  close(hm[3 * 7 + 5], 0.056135);
  close(hm[3 * 7 + 4], 0.9);
  close(hm[3 * 7 + 6], 0);
  // clipped at the border without wrapping
  const edge = new Float32Array(3 * 3);
  drawGaussian(edge, [3, 3, 1], 0, 0, 0, 2);
  close(edge[0], 1);
  close(edge[2], 0.056135);
  close(edge[8], Math.exp(-8 * 0.72));
});

Deno.test("centerNetTargets puts size, offset and a peak at the centre cell", () => {
  // input box [9,10,49,50], stride 4 → output [2.25, 2.5, 12.25, 12.5]: w = h = 10,
  // centre (7.25, 7.5) → cell (7, 7), offset (0.25, 0.5); radius ⌊2.733⌋ = 2; class 1 of 2
  const t = centerNetTargets({
    boxes: new Float32Array([9, 10, 49, 50]),
    labels: new Int32Array([1]),
  }, { height: 16, width: 16, stride: 4, numClasses: 2 });
  const cell = 7 * 16 + 7;
  assert.equal(t.numPeaks, 1);
  assert.equal(t.peaks[cell * 2 + 1], 1);
  assert.equal(t.peaks.reduce((s, v) => s + v, 0), 1);
  assert.equal(t.mask[cell], 1);
  assert.deepEqual([...t.size.subarray(2 * cell, 2 * cell + 2)], [10, 10]);
  assert.deepEqual([...t.offset.subarray(2 * cell, 2 * cell + 2)], [0.25, 0.5]);
  close(t.heatmap[cell * 2 + 1], 1);
  close(t.heatmap[(cell + 1) * 2 + 1], 0.486752);
  close(t.heatmap[(cell + 3) * 2 + 1], 0); // outside radius 2
  close(t.heatmap[cell * 2 + 0], 0); // other class untouched
});

Deno.test("centerNetTargets skips boxes with no area and refuses bad labels", () => {
  const t = centerNetTargets(
    { boxes: new Float32Array([5, 5, 5, 9]), labels: new Int32Array([0]) },
    {
      height: 4,
      width: 4,
      stride: 4,
      numClasses: 1,
    },
  );
  assert.equal(t.numPeaks, 0);
  assert.throws(
    () =>
      centerNetTargets({ boxes: new Float32Array([0, 0, 8, 8]), labels: new Int32Array([3]) }, {
        height: 4,
        width: 4,
        stride: 4,
        numClasses: 2,
      }),
    /label 3 outside 0..1/,
  );
});
