import assert from "node:assert/strict";
import { lookup, Rng } from "@quadranet/core";
import "./checker_shift.ts";

Deno.test("the checker shift plugin registers and inverts alternate 7×7 blocks", () => {
  const shift = lookup("shift", "checker");
  const image = new Float32Array(28 * 28).fill(0.25);
  const rng = new Rng(5);
  const offset = 0.2 * new Rng(5).next() - 0.1; // the first draw, as the plugin makes it
  shift.apply(image, { height: 28, width: 28, channels: 1 }, rng);
  const at = (y: number, x: number) => image[y * 28 + x];
  // block (0,0) kept: 0.25 + offset; block (0,1) (x 7..13) inverted: 0.75 + offset
  assert.ok(Math.abs(at(0, 0) - (0.25 + offset)) < 1e-6);
  assert.ok(Math.abs(at(3, 10) - (0.75 + offset)) < 1e-6);
  assert.ok(Math.abs(at(10, 10) - (0.25 + offset)) < 1e-6); // block (1,1): kept
  assert.ok(Math.abs(at(27, 0) - (0.75 + offset)) < 1e-6); // block (3,0): inverted
});
