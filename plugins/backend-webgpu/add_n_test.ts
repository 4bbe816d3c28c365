import assert from "node:assert/strict";
import { chunkRanges } from "./add_n.ts";

Deno.test("chunkRanges() covers every input once in groups of at most `size`", () => {
  assert.deepEqual(chunkRanges(7, 7), [[0, 7]]);
  assert.deepEqual(chunkRanges(8, 7), [[0, 7], [7, 8]]);
  assert.deepEqual(chunkRanges(15, 7), [[0, 7], [7, 14], [14, 15]]);
  assert.throws(() => chunkRanges(4, 1), /below 2/);
});
