import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Progress, tf } from "@quadranet/core";
import { tinyCnn, tinyData } from "@quadranet/core/testing";
import { cachedPretraining, cacheId, type Pretraining } from "./pretrain_cache.ts";

Deno.test("cacheId: a prefix and 10 hex digits of the key's SHA-256, stable and key-specific", async () => {
  const a = await cacheId("digits-pretrain", { seed: 1, width: 8 });
  assert.match(a, /^digits-pretrain-[0-9a-f]{10}$/);
  assert.equal(await cacheId("digits-pretrain", { seed: 1, width: 8 }), a);
  assert.notEqual(await cacheId("digits-pretrain", { seed: 2, width: 8 }), a);
});

Deno.test("a pre-training is trained once, reused, and retrained when its cache is damaged", async () => {
  const runsDir = await Deno.makeTempDir({ prefix: "quadranet-pretrain-" });
  const { train, test } = tinyData(48, 1);
  const lines: string[] = [];
  const ctx = {
    runsDir,
    backend: "cpu",
    progress: new Progress({ quiet: true }),
    signal: { interrupted: false },
    log: (l: string) => lines.push(l),
  };
  let built = 0, loops = 0;
  const p: Pretraining = {
    runId: "tiny-pretrain-1",
    task: "test",
    what: "pre-training the tiny CNN",
    build: () => (built++, tinyCnn(3)),
    loop: () => (loops++, {
      train,
      eval: test,
      stages: [{ name: "pretrain", train: ["primary", "head", "norm"], epochs: 1 }],
      batchSize: 16,
      lr: 1e-2,
      optimizer: { kind: "adamw", weightDecay: 0 },
      schedule: { kind: "constant", warmupSteps: 0 },
      head: ["head"],
      seed: 3,
      config: { what: "tiny" },
    }),
  };
  try {
    const first = await cachedPretraining(ctx, p);
    assert.equal(first.summary.status, "completed");
    assert.ok(existsSync(join(runsDir, "tiny-pretrain-1", "model", "model.json")));
    const kernel = Array.from(first.model!.getLayer("head").getWeights()[0].dataSync());
    // A cache hit: no build, no data, the same weights loaded from the run's files.
    const second = await cachedPretraining(ctx, p);
    assert.equal(built, 1);
    assert.equal(loops, 1);
    assert.deepEqual(Array.from(second.model!.getLayer("head").getWeights()[0].dataSync()), kernel);
    assert.ok(lines.includes("pre-trained network: cached run tiny-pretrain-1"));
    // A torn summary: moved aside (nothing deleted) and trained again.
    await Deno.writeTextFile(join(runsDir, "tiny-pretrain-1", "summary.json"), "{ torn");
    const third = await cachedPretraining(ctx, p);
    assert.equal(built, 2);
    assert.equal(third.summary.status, "completed");
    const aside = [...Deno.readDirSync(runsDir)].filter((e) => e.name.includes(".damaged-"));
    assert.equal(aside.length, 1);
    assert.ok(existsSync(join(runsDir, aside[0].name, "model", "model.json")));
    [first, second, third].forEach((r) => r.model?.dispose());
  } finally {
    tf.dispose([train.x, test.x]);
    await Deno.remove(runsDir, { recursive: true });
  }
});
