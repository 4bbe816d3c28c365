/**
 * What a detection comparison's arms start from, stored with it: the backbone weights' fingerprint
 * (a changed file refuses the resume), the arms' rates and the shared head initialisation.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RunRecord, tf } from "@quadranet/core";
import { comparisonStart, saveHeadInit, weightsFingerprint } from "./comparison_start.ts";

const hex = async (bytes: Uint8Array) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");

Deno.test("weightsFingerprint: SHA-256 of a file; of model.json followed by its weight files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bin = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    await Deno.writeFile(join(dir, "w.safetensors"), bin);
    assert.equal(await weightsFingerprint(join(dir, "w.safetensors")), await hex(bin));
    const json = new TextEncoder().encode(
      JSON.stringify({ weightsManifest: [{ paths: ["a.bin"] }, { paths: ["b.bin"] }] }),
    );
    await Deno.writeFile(join(dir, "model.json"), json);
    await Deno.writeFile(join(dir, "a.bin"), bin.subarray(0, 3));
    await Deno.writeFile(join(dir, "b.bin"), bin.subarray(3));
    // one hash over the bytes in order: model.json, a.bin, b.bin
    assert.equal(
      await weightsFingerprint(join(dir, "model.json")),
      await hex(new Uint8Array([...json, ...bin])),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("comparisonStart: stored once, read back with the head init; other weights are refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const weights = join(dir, "w.safetensors");
    await Deno.writeFile(weights, new Uint8Array([9, 9, 9, 9]));
    const rec = await RunRecord.create(dir, "cmp", { kind: "comparison" }, {
      task: "coco",
      method: "comparison",
      backend: "cpu",
    });
    const first = await comparisonStart(rec, { weights, lrs: { frozen: 0.01, lora: 0.003 } });
    assert.equal(first.headInit, null); // nothing stored yet: the first arm builds it
    // twelve tensors: read back in index order (10 and 11 after 9, not after 1)
    const init = Array.from({ length: 12 }, (_, i) => tf.fill([2, i + 1], i + 0.5));
    await saveHeadInit(rec, init);
    // a resume with other defaults keeps the stored rates
    const again = await comparisonStart(rec, { weights, lrs: { frozen: 1, lora: 1 } });
    assert.deepEqual(again.start.lrs, { frozen: 0.01, lora: 0.003 });
    assert.ok(again.headInit);
    assert.deepEqual(again.headInit.map((t) => t.shape), init.map((t) => t.shape));
    for (let i = 0; i < 12; i++) {
      assert.deepEqual(
        Array.from(await again.headInit[i].data()),
        Array(2 * (i + 1)).fill(i + 0.5),
      );
    }
    tf.dispose([...init, ...again.headInit]);
    await Deno.writeFile(weights, new Uint8Array([9, 9, 9, 8]));
    await assert.rejects(
      () => comparisonStart(rec, { weights, lrs: {} }),
      /backbone weights .*w\.safetensors are not the ones comparison cmp started with .*Put the original weights back, or start a new comparison/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
