import assert from "node:assert/strict";
import { join } from "node:path";
import { imageFolder } from "../image_folder.ts";
import type { DataSource, ImageRecord } from "../types.ts";
import { IssueLog } from "./issue_log.ts";
import { BatchLoader } from "./loader.ts";
import { DecodePool } from "./pool.ts";

const T = new URL("../testdata/", import.meta.url).pathname;

Deno.test("BatchLoader on the broken-file fixture: converts or skips each, counts and logs once", async () => {
  const src = await imageFolder.open({ root: join(T, "corrupt"), split: "train" });
  assert.equal(src.length, 8); // 8 image names; notes.txt is listed as ignored
  assert.equal(src.ignored.length, 1);
  const lines: string[] = [];
  const issues = new IssueLog((l) => lines.push(l));
  const pool = new DecodePool(1); // through a real worker thread
  try {
    const loader = new BatchLoader(src, { transform: { kind: "train", size: 16 }, pool, issues });
    const all = Array.from({ length: src.length }, (_, i) => i);
    for (let epoch = 0; epoch < 2; epoch++) {
      const [b] = await Array.fromAsync(loader.batches([{ indices: all, seed: epoch }]));
      // alpha.png, cmyk, gray, ok, png_named_jpeg decode; empty, garbage, truncated do not.
      const names = b.indices.map((i) => src.items[i].path.split("/").pop());
      assert.deepEqual(names, [
        "alpha.png",
        "cmyk.JPEG",
        "gray.JPEG",
        "ok.JPEG",
        "png_named_jpeg.JPEG",
      ]);
      assert.equal(b.x.length, 5 * 16 * 16 * 3);
      assert.ok(b.x.every(Number.isFinite));
    }
    assert.deepEqual(issues.summary(), {
      files: 7,
      skipped: { corrupt: 1, empty: 1, truncated: 1 },
      converted: { alpha: 1, cmyk: 1, grayscale: 1, disguised: 1 },
    });
    assert.equal(lines.length, 7); // one line per file, not per epoch
    assert.ok(lines.some((l) => /skipped .*truncated\.JPEG/.test(l)));
  } finally {
    pool.close();
  }
});

Deno.test("BatchLoader reads at most `prefetch` batches ahead of the consumer", async () => {
  const inner = await imageFolder.open({ root: join(T, "imagefolder"), split: "train" });
  let reads = 0;
  const counting: DataSource<number> = {
    length: inner.length,
    classes: inner.classes,
    describe: (i) => inner.describe(i),
    read: (i): Promise<ImageRecord<number>> => {
      reads++;
      return inner.read(i);
    },
  };
  const pool = new DecodePool(0);
  const loader = new BatchLoader(counting, {
    transform: { kind: "eval", size: 8 },
    pool,
    prefetch: 2,
  });
  const plans = Array.from({ length: 6 }, (_, b) => ({ indices: [2 * b, 2 * b + 1], seed: 0 }));
  const it = loader.batches(plans);
  const first = await it.next();
  assert.equal(first.value!.count, 2);
  await new Promise((r) => setTimeout(r, 50)); // give read-ahead every chance to overrun
  // batch 0 consumed, batches 1 and 2 in the queue: 3 batches × 2 images.
  assert.equal(reads, 6);
  const rest = await Array.fromAsync(it);
  assert.equal(rest.length, 5);
  assert.equal(reads, 12);
  // Labels follow the plan: images 0..11 are classes 0,0,0,1,1,1,...
  assert.deepEqual(rest.flatMap((b) => b.targets), [0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
  pool.close();
});

Deno.test("workers and the calling thread decode to identical batches", async () => {
  const src = await imageFolder.open({ root: join(T, "imagefolder"), split: "train" });
  const plan = [{ indices: [0, 4, 8, 11], seed: 9 }];
  const out: Float32Array[] = [];
  for (const n of [0, 2]) {
    const pool = new DecodePool(n);
    const loader = new BatchLoader(src, { transform: { kind: "train", size: 24 }, pool });
    out.push((await Array.fromAsync(loader.batches(plan)))[0].x);
    pool.close();
  }
  assert.deepEqual(out[0], out[1]);
});
