import assert from "node:assert/strict";
import { chooseRates, formatSearch, type GridPoint } from "./lr_choice.ts";

const pts: GridPoint[] = [
  { arm: "quadratic", lr: 0.03, validationTop1: 0.88, flops: 2e9, cpuSeconds: 10 },
  { arm: "quadratic", lr: 0.01, validationTop1: 0.91, flops: 2e9, cpuSeconds: 10 },
  { arm: "quadratic", lr: 0.003, validationTop1: 0.85, flops: 2e9, cpuSeconds: 10 },
  { arm: "linear", lr: 0.003, validationTop1: 0.90, flops: 1e9, cpuSeconds: 5 },
  { arm: "linear", lr: 0.01, validationTop1: 0.90, flops: 1e9, cpuSeconds: 5 }, // tie: smaller wins
];

Deno.test("chooseRates() takes the best validation top-1, ties to the smaller rate", () => {
  assert.deepEqual(chooseRates(pts), { quadratic: 0.01, linear: 0.003 });
});

Deno.test("formatSearch() marks the choice and sums the cost", () => {
  const md = formatSearch(pts);
  assert.match(md, /\| quadratic \| 85\.00 \| \*\*91\.00\*\* \| 88\.00 \| 0\.01 \|/);
  assert.match(md, /\| linear \| \*\*90\.00\*\* \| 90\.00 \| – \| 0\.003 \|/);
  assert.match(md, /8\.00 GFLOP of training, 40 CPU s/);
});
