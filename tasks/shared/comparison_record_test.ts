import assert from "node:assert/strict";
import { join } from "node:path";
import { RunRecord, type TaskContext } from "@quadranet/core";
import {
  comparisonRecord,
  completeComparison,
  failOnError,
  interruptComparison,
  shareTable,
  storedComparison,
} from "./comparison_record.ts";

const ctx = (runsDir: string) =>
  ({ runsDir, backend: { name: "cpu" } }) as unknown as Pick<TaskContext, "runsDir" | "backend">;

/** A new comparison record `id` of `task` under `runsDir`. */
const create = (runsDir: string, id: string, task: string, config: Record<string, unknown>) =>
  comparisonRecord(ctx(runsDir), { id, task, config, resume: false });

Deno.test("a comparison record: created, reopened on resume, completed with report and table", async () => {
  const runsDir = await Deno.makeTempDir({ prefix: "quadranet-cmp-" });
  try {
    const rec = await create(runsDir, "t-cmp", "digits-shift", { seed: 3 });
    assert.deepEqual(await rec.config(), { kind: "comparison", seed: 3 });
    assert.equal(rec.summary.task, "digits-shift");
    await rec.update({ status: "running" });
    const again = await comparisonRecord(ctx(runsDir), {
      id: "t-cmp",
      task: "digits-shift",
      config: { seed: 99 },
      resume: true,
    });
    assert.equal((await again.config()).seed, 3); // the stored config, not the new one
    const lines: string[] = [];
    const out = await completeComparison((l) => lines.push(l), again, {
      report: "# report\n",
      summary: { metric: "AP" },
      table: "| a |",
    });
    assert.deepEqual(out, { status: "completed", recordDir: again.dir });
    assert.equal(await Deno.readTextFile(join(again.dir, "report.md")), "# report\n");
    const done = await RunRecord.open(runsDir, "t-cmp");
    assert.equal(done.summary.status, "completed");
    assert.equal(done.summary.metric, "AP");
    assert.deepEqual(lines, [`report: ${join(again.dir, "report.md")}`]);
  } finally {
    await Deno.remove(runsDir, { recursive: true });
  }
});

Deno.test("--resume of an arm run leads to its comparison; another task's is refused", async () => {
  const runsDir = await Deno.makeTempDir({ prefix: "quadranet-cmp-" });
  try {
    await create(runsDir, "c1", "imagenet-1k", { seed: 1, epochs: 2 });
    const arm = await RunRecord.create(runsDir, "c1-lora", { comparisonId: "c1" }, {
      task: "imagenet-1k",
      method: "lora",
      backend: "cpu",
    });
    await arm.update({ status: "completed" });
    assert.deepEqual(await storedComparison(runsDir, "c1-lora", "imagenet-1k"), {
      id: "c1",
      config: { seed: 1, epochs: 2 },
    });
    await assert.rejects(
      () => storedComparison(runsDir, "c1", "digits-shift"),
      /Run "c1" is not part of a digits-shift comparison \(its task is imagenet-1k, method comparison\); resume it with `deno task train imagenet-1k --resume c1`/,
    );
    await assert.rejects(
      () => storedComparison(runsDir, "c1-lora", "digits-shift"),
      /Run "c1-lora" is not part of a digits-shift comparison .*resume it with `deno task train imagenet-1k --resume c1-lora`/,
    );
    // The table reaches each arm run that has a runId.
    const row = {
      method: "lora",
      runId: "c1-lora",
      top1: 0.5,
      top5: 0.9,
      trainableParams: 10,
      computeSeconds: 2,
      wallSeconds: 3,
      trainingFlops: 4,
      relativeCompute: null,
      savingsPercent: null,
    };
    await shareTable(runsDir, "c1", [row, { ...row, runId: undefined, method: "zero-shot" }]);
    const armView = (await RunRecord.open(runsDir, "c1-lora")).summary.comparison;
    assert.equal(armView?.id, "c1");
    assert.deepEqual(armView?.row, row);
    assert.equal(armView?.table.length, 2);
  } finally {
    await Deno.remove(runsDir, { recursive: true });
  }
});

Deno.test("failOnError marks the record failed and re-throws; interruption is recorded", async () => {
  const runsDir = await Deno.makeTempDir({ prefix: "quadranet-cmp-" });
  try {
    const rec = await create(runsDir, "c2", "coco", {});
    await assert.rejects(
      () => failOnError(rec, () => Promise.reject(new Error("disk full"))),
      /disk full/,
    );
    assert.equal(rec.summary.status, "failed");
    assert.equal(rec.summary.error, "disk full");
    assert.equal(await failOnError(rec, () => Promise.resolve(7)), 7);
    const lines: string[] = [];
    const out = await interruptComparison(rec, (l) => lines.push(l), "deno task train --resume c2");
    assert.deepEqual(out, { status: "interrupted", recordDir: rec.dir });
    assert.equal((await RunRecord.open(runsDir, "c2")).summary.status, "interrupted");
    assert.deepEqual(lines, ["interrupted; resume with: deno task train --resume c2"]);
  } finally {
    await Deno.remove(runsDir, { recursive: true });
  }
});
