import assert from "node:assert/strict";
import { MatFileError, readMat } from "./mat5.ts";

const META = new URL(
  "./testdata/ilsvrc_devkit/ILSVRC2012_devkit_t12/data/meta.mat",
  import.meta.url,
);

Deno.test("readMat reads the devkit's synsets struct array (zlib-compressed, scipy-written)", async () => {
  const vars = readMat(await Deno.readFile(META));
  const synsets = vars.synsets as Record<string, unknown>[];
  assert.equal(synsets.length, 1003);
  assert.deepEqual(synsets[0].ILSVRC2012_ID, [1]);
  assert.equal(synsets[0].WNID, "n02119789");
  assert.equal(synsets[0].words, "class 1");
  assert.deepEqual(synsets[1002].ILSVRC2012_ID, [1003]);
  assert.deepEqual(synsets[1002].num_children, [2]);
});

Deno.test("readMat rejects a file that is not a level-5 MAT-file", () => {
  assert.throws(() => readMat(new Uint8Array(200)), MatFileError);
  assert.throws(() => readMat(new Uint8Array(10)), MatFileError);
});
