import assert from "node:assert/strict";
import { formatMeanStd, meanStd, pairedDifference } from "./seed_stats.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

Deno.test("meanStd() gives the mean and the n−1 standard deviation", () => {
  // 2, 4, 9: mean 5; squared deviations 9 + 1 + 16 = 26; 26 / 2 = 13
  const m = meanStd([2, 4, 9]);
  close(m.mean, 5);
  close(m.std, Math.sqrt(13));
  assert.equal(m.n, 3);
  assert.deepEqual(meanStd([0.7]), { mean: 0.7, std: 0, n: 1 });
  assert.throws(() => meanStd([]), /at least one value/);
});

Deno.test("pairedDifference() pairs seeds and applies the two-std tie rule", () => {
  // differences 0.02, 0.03, 0.04: mean 0.03, std 0.01 -> 0.03 >= 0.02: higher
  const up = pairedDifference([0.82, 0.83, 0.84], [0.80, 0.80, 0.80]);
  close(up.mean, 0.03);
  close(up.std, 0.01, 1e-12);
  assert.equal(up.verdict, "higher");
  // differences -0.01, 0.03, -0.05: mean -0.01, std 0.04 -> |−0.01| < 0.08: tie
  const tie = pairedDifference([0.79, 0.83, 0.75], [0.80, 0.80, 0.80]);
  close(tie.mean, -0.01);
  close(tie.std, 0.04);
  assert.equal(tie.verdict, "tie");
  // the paired view: arms that vary a lot across seeds but move together
  // differences -0.05, -0.06, -0.04: mean -0.05, std 0.01 -> lower
  assert.equal(pairedDifference([0.65, 0.84, 0.96], [0.70, 0.90, 1.0]).verdict, "lower");
  assert.equal(pairedDifference([0.9], [0.8]).verdict, "single seed");
  assert.equal(pairedDifference([0.9, 0.9], [0.9, 0.9]).verdict, "tie");
  assert.throws(() => pairedDifference([0.9], [0.8, 0.7]), /same seeds/);
});

Deno.test("formatMeanStd() scales and omits the std for one seed", () => {
  assert.equal(formatMeanStd({ mean: 0.8512, std: 0.0123, n: 3 }, 1, 100), "85.1 ± 1.2");
  assert.equal(formatMeanStd({ mean: 0.8512, std: 0, n: 1 }, 1, 100), "85.1");
});
