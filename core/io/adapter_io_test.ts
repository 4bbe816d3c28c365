import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../tf.ts";
import { adapt } from "../adapter/adapt.ts";
import { loadAdapter, readAdapterFile, saveAdapter } from "./adapter_io.ts";
import { BaseMismatchError, CheckpointError } from "../errors.ts";
import { quadraticTerms } from "../testing/terms.ts";
import { mobileNetV2Shaped, randomizeWeights } from "../testing/models.ts";
import { maxAbsDiff } from "../testing/assert_close.ts";

async function trainedAdapter() {
  const base = randomizeWeights(mobileNetV2Shaped(), 31);
  const adapted = adapt(base, { rank: 2, targets: /_dw$/, modulesToSave: ["predictions"] });
  const x = tf.randomNormal([4, 16, 16, 3], 0, 1, "float32", 5);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], "int32"), 5);
  adapted.compile({ optimizer: tf.train.adam(0.05), loss: "categoricalCrossentropy" });
  await adapted.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 }); // training mode: BN statistics move
  const dir = await Deno.makeTempDir();
  return { base, adapted, x, dir };
}

Deno.test("saveAdapter/loadAdapter: identical outputs; BN statistics and head saved", async () => {
  const { base, adapted, x, dir } = await trainedAdapter();
  await saveAdapter(adapted, dir);
  const file = await readAdapterFile(dir);
  assert.ok(file.savedBatchNorm.length > 0, "training changed BatchNorm statistics");
  const names = file.weightsManifest[0].weights.map((w) => w.name);
  assert.ok(names.includes("block1_dw/quad_p") && names.includes("predictions/kernel"));
  assert.ok(!names.includes("stem/kernel"), "frozen primary weights are not in the adapter");
  const again = await loadAdapter(base, dir);
  assert.equal(maxAbsDiff(again.predict(x) as tf.Tensor, adapted.predict(x) as tf.Tensor), 0);
  const p = quadraticTerms(again)[0].p.read();
  assert.ok(tf.max(tf.abs(p)).dataSync()[0] > 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadAdapter: onto a different base fails with BaseMismatchError", async () => {
  const { adapted, dir } = await trainedAdapter();
  await saveAdapter(adapted, dir);
  const other = randomizeWeights(mobileNetV2Shaped(), 99);
  await assert.rejects(() => loadAdapter(other, dir), (e: unknown) => {
    assert.ok(e instanceof BaseMismatchError);
    assert.match(
      e.message,
      /was made from a base model with weight fingerprint [0-9a-f]{16}…, but this model's is/,
    );
    return true;
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadAdapter: a truncated weights file or a foreign folder fails clearly", async () => {
  const { base, adapted, dir } = await trainedAdapter();
  await saveAdapter(adapted, dir);
  const file = await readAdapterFile(dir);
  const wpath = join(dir, file.weightsManifest[0].paths[0]);
  const bytes = await Deno.readFile(wpath);
  await Deno.writeFile(wpath, bytes.slice(0, bytes.length - 8));
  await assert.rejects(() => loadAdapter(base, dir), /truncated or replaced/);
  await Deno.writeTextFile(join(dir, "adapter_config.json"), `{"format": "other"}`);
  await assert.rejects(() => loadAdapter(base, dir), CheckpointError);
  await assert.rejects(
    () => loadAdapter(base, `${dir}/nope`),
    /Cannot read .*adapter_config\.json/,
  );
  await Deno.remove(dir, { recursive: true });
});
