import assert from "node:assert/strict";
import type { ProtocolRow } from "./protocol_schema.ts";
import { RecordError } from "../errors.ts";
import {
  latestComparisons,
  readMetrics,
  readRunFolder,
  readRunFolders,
  readSummary,
} from "./read.ts";
import type { ComparisonRow, DetectionRow } from "./schema.ts";

const FIXTURES = new URL("../../web/testdata/runs/", import.meta.url).pathname;

Deno.test("readRunFolders: the web fixtures load, broken ones say why", async () => {
  const runs = await readRunFolders(FIXTURES);
  // newest updatedAt first; broken records (no updatedAt) last, by id
  assert.deepEqual(runs.map((r) => r.id), [
    "live-run",
    "det-a",
    "up-p",
    "det-a-frozen",
    "det-a-quadratic",
    "up-p-upgrade-s1",
    "cmp-a",
    "cmp-a-quadratic",
    "cmp-a-quadratic-scratch",
    "cmp-a-zero-shot",
    "no-summary",
    "torn-summary",
  ]);
  const byId = Object.fromEntries(runs.map((r) => [r.id, r]));
  assert.equal(byId["cmp-a"].isComparison, true);
  assert.equal(byId["cmp-a"].summary.rows?.length, 3);
  assert.equal((byId["cmp-a"].summary.rows?.[1] as ComparisonRow).top1, 0.9125);
  assert.match(byId["cmp-a"].report ?? "", /cmp-a/);
  // a detection comparison's rows parse as detection rows; an arm's preview.svg comes as a data URL
  assert.equal(byId["det-a"].isComparison, true);
  assert.equal((byId["det-a"].summary.rows?.[1] as DetectionRow).AP, 0.4567);
  assert.match(byId["det-a-quadratic"].preview ?? "", /^data:image\/svg\+xml;base64,/);
  assert.equal(byId["det-a-frozen"].preview, undefined);
  assert.equal(byId["cmp-a-quadratic"].summary.params?.trainable, 12345);
  assert.equal(byId["live-run"].summary.status, "running");
  assert.match(byId["no-summary"].error ?? "", /^no summary\.json/);
  assert.match(byId["torn-summary"].error ?? "", /^summary\.json is malformed JSON/);
  // the latest comparison per task: coco (det-a), digits-upgrade (up-p), digits-shift (cmp-a)
  assert.deepEqual(latestComparisons(runs).map((r) => r.id), ["det-a", "up-p", "cmp-a"]);
  // a protocol comparison's rows are protocol rows (mean ± std over seeds)
  const up = byId["up-p"].summary.rows as ProtocolRow[];
  assert.deepEqual(up[1].test, { mean: 0.96, std: 0.01, n: 2 });
  assert.equal(up[0].toTarget?.reached, 0);
});

Deno.test("readMetrics: a torn line is counted, not thrown", async () => {
  const m = await readMetrics(`${FIXTURES}live-run/metrics.jsonl`);
  const text = await Deno.readTextFile(`${FIXTURES}live-run/metrics.jsonl`);
  const lines = text.split("\n").filter((l) => l.trim());
  assert.equal(m.lines.length + m.badLines, lines.length);
  assert.equal(m.badLines, 1);
  assert.equal(m.lines[0].step, 10);
});

Deno.test("readSummary: a summary written before schemaVersion existed still loads", async () => {
  const dir = await Deno.makeTempDir();
  // the shape core/run_record.ts wrote since the first version (e6f20dd), an arm of a comparison
  const old = {
    runId: "old-run",
    task: "digits-shift",
    method: "quadratic",
    backend: "blas",
    status: "completed",
    startedAt: "2026-11-26T12:00:00.000Z",
    updatedAt: "2026-11-26T12:05:00.000Z",
    versions: { deno: "2.5.6", v8: "14.0", tfjs: "4.22.0", quadranet: "0.1.0" },
    machine: { os: "linux", arch: "x86_64", cpu: "x", cores: 2, memoryGiB: 24 },
    params: { trainable: 4800, total: 28000 },
    compute: { wallSeconds: 90.5, cpuSeconds: 158.8, trainingFlops: 1e12 },
    final: { top1: 0.834, top5: 0.98, loss: 0.51 },
    best: { top1: 0.834, top5: 0.98, loss: 0.51 },
    steps: 188,
    checkpoint: "runs/old-run/checkpoints/step-188",
    comparisonId: "cmp",
    shift: "solarize",
    fromPretrained: true,
    stages: [{ name: "adapt", train: ["adapter", "norm", "head"], epochs: 4 }],
    adapter: {
      trainableParams: 4800,
      totalParams: 28000,
      adapterParams: 1900,
      extraFlopsPerExample: 1e6,
    },
    comparison: {
      id: "cmp",
      table: [],
      sunkPretrain: { runId: "p", computeSeconds: 120, cleanTop1: 0.9 },
    },
  };
  await Deno.writeTextFile(`${dir}/summary.json`, JSON.stringify(old));
  const s = await readSummary(`${dir}/summary.json`);
  assert.equal(s.schemaVersion, undefined);
  assert.equal(s.final?.top1, 0.834);
  assert.equal(s.compute?.cpuSeconds, 158.8);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readSummary: a wrong field fails naming the file and the field", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/summary.json`;
  const base = {
    runId: "r",
    task: "t",
    method: "m",
    backend: "cpu",
    startedAt: "a",
    updatedAt: "b",
    versions: {},
    machine: {},
  };
  await Deno.writeTextFile(path, JSON.stringify({ ...base, status: "done" }));
  await assert.rejects(() => readSummary(path), (e: unknown) => {
    assert.ok(e instanceof RecordError);
    assert.equal(e.field, "status");
    assert.match(e.message, /summary\.json: status must be one of running, completed/);
    return true;
  });
  const row = { method: "x", top1: "high" };
  await Deno.writeTextFile(path, JSON.stringify({ ...base, status: "completed", rows: [row] }));
  await assert.rejects(() => readSummary(path), /rows\[0\]\.top1 must be a number \(got "high"\)/);
  await Deno.writeTextFile(
    path,
    JSON.stringify({ ...base, status: "completed", schemaVersion: 9 }),
  );
  await assert.rejects(() => readSummary(path), /schemaVersion must be at most 1/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readRunFolder: ids that are not run ids are not read", async () => {
  assert.equal(await readRunFolder(FIXTURES, "../runs"), undefined);
  assert.equal(await readRunFolder(FIXTURES, "missing-run"), undefined);
});
