import assert from "node:assert/strict";
import { withSizes } from "./sizes.ts";

Deno.test("withSizes() picks default, --full or --quick; explicit values win", () => {
  const sizes = {
    epochs: [3, 6, 1] as [number, number, number],
    width: [8, 16, 4] as [number, number, number],
  };
  assert.deepEqual(withSizes(sizes, {}), { epochs: 3, width: 8 });
  assert.deepEqual(withSizes(sizes, { full: true }), { full: true, epochs: 6, width: 16 });
  assert.deepEqual(withSizes(sizes, { quick: true, width: 5 }), {
    quick: true,
    epochs: 1,
    width: 5,
  });
  assert.throws(() => withSizes(sizes, { quick: true, full: true }), /exclude each other/);
});
