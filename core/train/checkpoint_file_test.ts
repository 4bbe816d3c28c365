import assert from "node:assert/strict";
import { join } from "node:path";
import { CheckpointError } from "../errors.ts";
import { findLatestCheckpoint, parseLatest, parseManifest } from "./checkpoint_file.ts";

const GOOD = {
  formatVersion: 1,
  state: { step: 4, stage: 0, epoch: 1, batch: 0, rng: 12345, optimizerT: 4, extra: {} },
  weights: [{ name: "w", shape: [2, 3], offset: 0, length: 6 }],
  slots: [{ name: "m", shape: [2], offset: 6, length: 2 }],
  sha256: "a".repeat(64),
};

const V2 = {
  ...GOOD,
  formatVersion: 2,
  state: {
    step: 4,
    next: { stage: 0, epoch: 1, batch: 0 },
    rng: 12345,
    optimizerT: 4,
    examples: 64,
    best: { top1: 0.5, top5: 1, loss: 0.7 },
  },
};

Deno.test("parseManifest: a good manifest is typed; each malformation names the file and field", () => {
  assert.deepEqual(parseManifest(GOOD, "ck.json", 8), GOOD);
  assert.deepEqual(parseManifest(V2, "ck.json", 8), V2);
  const bad: [unknown, RegExp][] = [
    [null, /the file must be an object, got null/],
    [{ ...GOOD, formatVersion: 3 }, /formatVersion must be 1 or 2/],
    [{ ...GOOD, formatVersion: 2 }, /state\.next must be an object/],
    [{ ...V2, state: { ...V2.state, examples: -1 } }, /state\.examples must be an integer/],
    [{ ...V2, state: { ...V2.state, best: { top1: "x" } } }, /state\.best\.top1 must be a finite/],
    [{ ...GOOD, state: undefined }, /state must be an object/],
    [{ ...GOOD, state: { ...GOOD.state, step: -1 } }, /state\.step must be an integer >= 0/],
    [{ ...GOOD, state: { ...GOOD.state, batch: 1.5 } }, /state\.batch must be an integer/],
    [{ ...GOOD, weights: {} }, /weights must be a list/],
    [{ ...GOOD, weights: [null] }, /weights\[0\] must be an object/],
    [{ ...GOOD, weights: [{ ...GOOD.weights[0], shape: "2x3" }] }, /weights\[0\]\.shape/],
    [{ ...GOOD, weights: [{ ...GOOD.weights[0], length: 5 }] }, /product of its shape/],
    [{ ...GOOD, slots: [{ ...GOOD.slots[0], offset: 7 }] }, /inside tensors\.bin \(8 floats\)/],
    [{ ...GOOD, sha256: "abc" }, /sha256 must be a string matching/],
  ];
  for (const [v, want] of bad) {
    assert.throws(() => parseManifest(v, "/r/ck.json", 8), (e: unknown) => {
      assert.ok(e instanceof CheckpointError, String(e));
      assert.match(e.message, /^\/r\/ck\.json: /);
      assert.match(e.message, want);
      assert.match(e.message, /Delete this checkpoint folder/);
      return true;
    });
  }
});

Deno.test("parseLatest: only a step folder beside it, never a path elsewhere", () => {
  assert.deepEqual(parseLatest({ checkpoint: "step-00000010", step: 10 }, "l.json"), {
    checkpoint: "step-00000010",
    step: 10,
  });
  for (const c of ["../../etc", "/abs/step-00000001", "step-1", "step-00000001/../../x", 3]) {
    assert.throws(() => parseLatest({ checkpoint: c, step: 1 }, "l.json"), /l\.json: checkpoint/);
  }
  assert.throws(() => parseLatest([], "l.json"), /l\.json: the file must be an object/);
});

Deno.test("findLatestCheckpoint: the named one; the newest intact one when it is gone", async () => {
  const dir = await Deno.makeTempDir();
  assert.equal(await findLatestCheckpoint(dir), undefined);
  for (const s of ["step-00000002", "step-00000004"]) {
    await Deno.mkdir(join(dir, s));
    await Deno.writeTextFile(join(dir, s, "checkpoint.json"), "{}");
  }
  await Deno.mkdir(join(dir, ".step-00000006.tmp-1234")); // a torn write: never chosen
  await Deno.writeTextFile(join(dir, "latest.json"), '{"checkpoint":"step-00000004","step":4}');
  assert.deepEqual(await findLatestCheckpoint(dir), { path: join(dir, "step-00000004") });
  await Deno.remove(join(dir, "step-00000004"), { recursive: true }); // "delete it", as advised
  assert.deepEqual(await findLatestCheckpoint(dir), {
    path: join(dir, "step-00000002"),
    note: "latest.json names step-00000004, which is gone; resuming from step-00000002",
  });
  await Deno.writeTextFile(join(dir, "latest.json"), '{"checkpoint":"../../x","step":4}');
  await assert.rejects(() => findLatestCheckpoint(dir), /latest\.json: checkpoint must be/);
  await Deno.writeTextFile(join(dir, "latest.json"), "{torn");
  await assert.rejects(() => findLatestCheckpoint(dir), /latest\.json is not valid JSON/);
});
