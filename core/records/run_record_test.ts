import assert from "node:assert/strict";
import { ConfigError, RecordError } from "../errors.ts";
import { checkRunId, isRunId, runExists, runPaths, runStamp } from "./paths.ts";
import { readSummary } from "./read.ts";
import { RunRecord } from "./run_record.ts";

const head = { task: "t", method: "quadratic", backend: "cpu" };

Deno.test("RunRecord: create, log, update, reopen and truncate", async () => {
  const runs = await Deno.makeTempDir();
  const rec = await RunRecord.create(runs, "r1", { lr: 0.01 }, head);
  assert.ok(runExists(runs, "r1"));
  await rec.log({ step: 10, loss: 0.5 });
  await rec.log({ step: 20, loss: 0.25 });
  await rec.log({ step: 20, eval: true, top1: 0.75, top5: 1, evalLoss: 0.3 });
  await rec.update({ status: "completed", final: { top1: 0.75 } });
  const back = await RunRecord.open(runs, "r1");
  assert.equal(back.summary.schemaVersion, 1);
  assert.equal(back.summary.status, "completed");
  assert.deepEqual(await back.config(), { lr: 0.01 });
  assert.deepEqual(back.entries.map((e) => e.step), [10, 20, 20]);
  await back.truncate(10);
  assert.deepEqual((await RunRecord.open(runs, "r1")).entries.map((e) => e.step), [10]);
  await assert.rejects(() => RunRecord.create(runs, "r1", {}, head), ConfigError);
  // no temporary file is left behind by the atomic writes
  assert.deepEqual([...Deno.readDirSync(rec.dir)].map((e) => e.name).sort(), [
    "checkpoints",
    "config.json",
    "metrics.jsonl",
    "summary.json",
  ]);
  await Deno.remove(runs, { recursive: true });
});

Deno.test("RunRecord.update: a patch that breaks the schema is refused and nothing is written", async () => {
  const runs = await Deno.makeTempDir();
  const rec = await RunRecord.create(runs, "r2", {}, head);
  const before = await Deno.readTextFile(rec.paths.summary);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => rec.update({ status: "finished" as any }), RecordError);
  assert.equal(await Deno.readTextFile(rec.paths.summary), before);
  assert.equal((await readSummary(rec.paths.summary)).status, "running");
  await Deno.remove(runs, { recursive: true });
});

Deno.test("run ids and paths", () => {
  assert.ok(isRunId("digits-shift-solarize-s1-20261127-100000"));
  for (const bad of ["", "../x", "a/b", ".hidden", "a..b", "x".repeat(129)]) {
    assert.equal(isRunId(bad), false, bad);
  }
  assert.throws(() => checkRunId("a/b"), /Run id "a\/b" is not allowed/);
  assert.equal(runPaths("runs", "r").summary, "runs/r/summary.json");
  assert.equal(runPaths("runs", "r").checkpoints, "runs/r/checkpoints");
  assert.equal(runStamp(new Date("2026-11-27T10:04:05.678Z")), "20261127-100405");
});
