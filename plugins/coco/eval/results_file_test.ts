import assert from "node:assert/strict";
import { join } from "node:path";
import { detectionsToResults, parseResults, readResults, writeResults } from "./results_file.ts";

Deno.test("detectionsToResults: labels to category ids, corners to x,y,w,h, clipped to the image", () => {
  const r = detectionsToResults(
    42,
    {
      // second box runs past the 100×50 image: x2 130 -> 100, y1 -5 -> 0
      boxes: Float32Array.of(10.123, 20, 30.5, 45, 90, -5, 130, 20),
      scores: Float32Array.of(0.75, 0.5),
      labels: Int32Array.of(1, 0),
    },
    [7, 13],
    [100, 50],
  );
  assert.deepEqual(r, [
    { image_id: 42, category_id: 13, bbox: [10.12, 20, 20.38, 25], score: 0.75 },
    { image_id: 42, category_id: 7, bbox: [90, 0, 10, 20], score: 0.5 },
  ]);
  assert.throws(
    () => detectionsToResults(1, { boxes: [0, 0, 1, 1], scores: [1], labels: [5] }, [7], [10, 10]),
    /label 5; there are 1 classes/,
  );
});

Deno.test("writeResults and readResults round-trip; bad entries are named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = [{
      image_id: 1,
      category_id: 2,
      bbox: [1, 2, 3, 4] as [number, number, number, number],
      score: 0.5,
    }];
    await writeResults(join(dir, "r.json"), rows);
    assert.deepEqual(await readResults(join(dir, "r.json")), rows);
    await writeResults(join(dir, "empty.json"), []);
    assert.deepEqual(await readResults(join(dir, "empty.json")), []);
    assert.throws(
      () => parseResults([{ image_id: 1, category_id: 2, bbox: [1, 2, 3], score: 1 }], "x.json"),
      /x\.json: \[0\] bbox/,
    );
    assert.throws(
      () => parseResults([{ image_id: 1, bbox: [1, 2, 3, 4], score: 1 }], "x.json"),
      /"category_id"/,
    );
    assert.throws(() => parseResults({}, "x.json"), /JSON array/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
