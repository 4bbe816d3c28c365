import assert from "node:assert/strict";
import { join } from "node:path";
import { loadAdapter, saveModel, tf } from "@quadranet/core";
import { mobileNetV2Shaped, randomizeWeights } from "@quadranet/core/testing";

Deno.test("examples/adapt_your_model.ts adapts a model.json from disk and saves a loadable adapter", async () => {
  const dir = await Deno.makeTempDir();
  const base = randomizeWeights(mobileNetV2Shaped(), 4);
  await saveModel(base, join(dir, "base"));
  const out = join(dir, "adapter");
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./adapt_your_model.ts", import.meta.url).pathname,
      join(dir, "base", "model.json"),
      out,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(run.stdout);
  assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
  assert.match(text, /adapted layers: 10\n/);
  assert.match(text, /loss after one step: \d+\.\d{4}/);
  const adapted = await loadAdapter(base, out);
  const x = tf.randomNormal([1, 16, 16, 3]);
  assert.deepEqual((adapted.predict(x) as tf.Tensor).shape, [1, 5]);
  await Deno.remove(dir, { recursive: true });
});
