/**
 * Kills at random moments of checkpoint, record, model and adapter writes
 * (SIGKILL from inside the write, via `writeFaults`), each followed by a
 * resume; the resumed run must end `completed` with exactly the final
 * metrics of an uninterrupted run, and its model and adapter files must
 * load (content checks) and predict exactly what the uninterrupted run's
 * do. Points come from a seeded generator (`FAULT_SEED` to vary them).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadAdapter, loadModel, Rng, tf } from "@quadranet/core";
import { tinyCnn, tinyData } from "../../core/testing/tiny_task.ts";

const CHILD = new URL("./train_child.ts", import.meta.url).pathname;
const runsDir = await Deno.makeTempDir({ prefix: "fault-kill-" });

async function child(runId: string, killAt = 0) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, runsDir, runId],
    env: { FAULT: String(killAt), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  return {
    signal: out.signal,
    code: out.code,
    stderr: new TextDecoder().decode(out.stderr),
    result: out.code === 0 && text ? JSON.parse(text.split("\n").at(-1)!) : undefined,
  };
}

async function predictions(dir: string) {
  const x = tinyData(64, 3).test.x;
  const model = await loadModel(join(dir, "model"));
  const adapted = await loadAdapter(tinyCnn(1), join(dir, "adapter"));
  return [
    [...(model.predict(x) as tf.Tensor).dataSync()],
    [...(adapted.predict(x) as tf.Tensor).dataSync()],
  ];
}

/** Kills made in this file (reported by the last test). */
const kills: { at: number; runId: string }[] = [];

Deno.test("fault injection: SIGKILL at random write moments, then resume, ends exactly like an uninterrupted run", async () => {
  const ref = await child("ref");
  assert.equal(ref.code, 0, ref.stderr);
  assert.equal(ref.result.status, "completed");
  const events: number = ref.result.events;
  assert.ok(events > 40, `the run writes (${events} write events)`);
  const refPredictions = await predictions(join(runsDir, "ref"));
  const rng = new Rng(Number(Deno.env.get("FAULT_SEED") ?? 12));
  // 6 single kills and 2 runs killed twice (again during the resume), spread over the run.
  const plan: number[][] = [];
  for (let i = 0; i < 8; i++) {
    const first = 1 + Math.floor(((i + rng.next()) / 8) * (events - 1));
    plan.push(i < 6 ? [first] : [first, 1 + Math.floor(rng.next() * 20)]);
  }
  for (const [i, points] of plan.entries()) {
    const runId = `kill-${i}`;
    for (const at of points) {
      const k = await child(runId, at);
      assert.equal(k.signal, "SIGKILL", `${runId} at event ${at}: ${k.stderr}`);
      kills.push({ at, runId });
    }
    const resumed = await child(runId);
    assert.equal(resumed.code, 0, `${runId} resume: ${resumed.stderr}`);
    assert.equal(resumed.result.status, "completed", runId);
    assert.deepEqual(resumed.result.final, ref.result.final, `${runId} (killed at ${points})`);
    const summary = JSON.parse(await Deno.readTextFile(join(runsDir, runId, "summary.json")));
    assert.equal(summary.status, "completed");
    assert.deepEqual(await predictions(join(runsDir, runId)), refPredictions, runId);
  }
  console.log(`kills: ${kills.length} (${kills.map((k) => k.at).join(", ")} of ${events} events)`);
});
