/**
 * Concurrent use: several processes saving adapters (and models) into one
 * folder at once, a second trainer on a run that is training, and two
 * comparisons needing the same pre-trained network at once. The folder
 * always ends with one complete checkpoint that loads; the second trainer is
 * refused; the shared pre-training runs once and both get its network.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { acquireLock, adapt, loadAdapter, loadModel, tf } from "@quadranet/core";
import { tinyCnn, tinyData } from "../../core/testing/tiny_task.ts";

const CORE = new URL("../../core/mod.ts", import.meta.url).href;
const TINY = new URL("../../core/testing/tiny_task.ts", import.meta.url).href;

function deno(args: string[]) {
  return new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" }).output();
}
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("concurrent writers: 4 processes × 5 adapter and model saves into one folder; it always loads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fault-concurrent-" });
  const writer = (seed: number) => `
    import { adapt, saveAdapter, saveModel, tf } from "${CORE}";
    import { tinyCnn } from "${TINY}";
    const m = adapt(tinyCnn(1), { rank: 2, modulesToSave: ["head"], seed: ${seed} });
    m.getLayer("head").setWeights(m.getLayer("head").getWeights().map((w) => tf.fill(w.shape, ${seed})));
    for (let i = 0; i < 5; i++) {
      await saveAdapter(m, ${JSON.stringify(join(dir, "adapter"))});
      await saveModel(m, ${JSON.stringify(join(dir, "model"))});
    }`;
  // A reader loading over and over while they write: every load sees a complete adapter.
  const reader = `
    import { loadAdapter } from "${CORE}";
    import { tinyCnn } from "${TINY}";
    const dir = ${JSON.stringify(join(dir, "adapter"))};
    let loads = 0;
    for (let i = 0; i < 400 && loads < 12; i++) {
      try { await Deno.stat(dir + "/adapter_config.json"); } catch { await new Promise((r) => setTimeout(r, 20)); continue; }
      await loadAdapter(tinyCnn(1), dir);
      loads++;
    }
    console.log(loads);`;
  const outs = await Promise.all([
    ...[1, 2, 3, 4].map((s) => deno(["eval", writer(s)])),
    deno(["eval", reader]),
  ]);
  for (const o of outs) assert.equal(o.code, 0, text(o.stderr));
  assert.ok(Number(text(outs[4].stdout)) > 0, "the reader loaded while the writers wrote");
  // Whichever writer was last, the folder holds its complete adapter and model.
  const x = tinyData(8, 2).test.x;
  const adapted = await loadAdapter(tinyCnn(1), join(dir, "adapter"));
  const seed = adapted.getLayer("head").getWeights()[1].dataSync()[0]; // the bias all = seed
  assert.ok([1, 2, 3, 4].includes(seed), `a writer's adapter (${seed})`);
  const expected = adapt(tinyCnn(1), { rank: 2, modulesToSave: ["head"], seed });
  expected.getLayer("head").setWeights(
    expected.getLayer("head").getWeights().map((w) => tf.fill(w.shape, seed)),
  );
  assert.deepEqual(
    [...(adapted.predict(x) as tf.Tensor).dataSync()],
    [...(expected.predict(x) as tf.Tensor).dataSync()],
  );
  const model = await loadModel(join(dir, "model"));
  assert.ok([1, 2, 3, 4].includes(model.getLayer("head").getWeights()[1].dataSync()[0]));
  const bins = [...Deno.readDirSync(join(dir, "adapter"))].filter((e) => e.name.endsWith(".bin"));
  assert.equal(bins.length, 1, "stale weight files removed, the named one kept");
});

Deno.test("concurrent trainers: a second process on a run that is training is refused, naming the first", async () => {
  const runsDir = await Deno.makeTempDir({ prefix: "fault-lock-" });
  const release = await acquireLock(join(runsDir, "busy"), { what: "Run busy" });
  const child = new URL("./train_child.ts", import.meta.url).pathname;
  const out = await deno(["run", "-A", child, runsDir, "busy"]);
  await release();
  assert.notEqual(out.code, 0);
  assert.match(text(out.stderr), new RegExp(`Run busy is in use by process ${Deno.pid} on `));
  assert.deepEqual([...Deno.readDirSync(join(runsDir, "busy"))].map((e) => e.name), []);
});

Deno.test("concurrent comparisons: the shared pre-training runs once; both get its network", async () => {
  const runsDir = await Deno.makeTempDir({ prefix: "fault-pretrain-" });
  const child = new URL("./pretrain_child.ts", import.meta.url).pathname;
  const [a, b] = await Promise.all([0, 1].map(() => deno(["run", "-A", child, runsDir])));
  for (const o of [a, b]) assert.equal(o.code, 0, text(o.stderr));
  const [ra, rb] = [a, b].map((o) => JSON.parse(text(o.stdout).trim().split("\n").at(-1)!));
  assert.equal(ra.fingerprint, rb.fingerprint);
  const trained = [ra, rb].filter((r) => r.logs.some((l: string) => l.startsWith("pre-training")));
  assert.equal(trained.length, 1, JSON.stringify([ra.logs, rb.logs]));
  const steps = (await Deno.readTextFile(join(runsDir, ra.runId, "metrics.jsonl"))).trim().split(
    "\n",
  )
    .map((l) => JSON.parse(l)).filter((m) => !m.eval).map((m) => m.step);
  assert.deepEqual(steps, [1, 2, 3]); // 48 images / batch 16, logged once each
});
