import assert from "node:assert/strict";
import { RecordError } from "../errors.ts";
import {
  isDetectionRow,
  parseComparisonRow,
  parseConfig,
  parseDetectionRow,
  parseMetricsLine,
  parseSummary,
  SUMMARY_SCHEMA_VERSION,
} from "./schema.ts";

const ROW = {
  method: "quadratic",
  top1: 0.9,
  top5: 1,
  trainableParams: 120,
  computeSeconds: 3.5,
  wallSeconds: 4,
  trainingFlops: 1e9,
  relativeCompute: null,
  savingsPercent: null,
};
/** The fields every summary must have. */
const SUMMARY = {
  runId: "c",
  task: "t",
  method: "comparison",
  backend: "cpu",
  status: "completed",
  startedAt: "x",
  updatedAt: "x",
  versions: {},
  machine: {},
};
const AP = { AP: 0.4, AP50: 0.7, AP75: 0.35, APs: -1, APm: 0.3, APl: 0.5 };
const DET = {
  method: "fcos",
  ...AP,
  trainableParams: 9,
  computeSeconds: 1,
  wallSeconds: 2,
  trainingFlops: 3,
  relativeCompute: 1,
};

Deno.test("row schema: comparison and detection rows parse; a wrong field is named", () => {
  assert.equal(parseComparisonRow(ROW, "t.json").top1, 0.9);
  const det = parseDetectionRow(DET, "t.json");
  assert.equal(det.APs, -1);
  assert.equal(isDetectionRow(det), true);
  assert.equal(isDetectionRow(parseComparisonRow(ROW, "t.json")), false);
  assert.throws(
    () => parseComparisonRow({ ...ROW, top1: "0.9" }, "t.json", "rows[2]"),
    (e) =>
      e instanceof RecordError && /rows\[2\]\.top1 must be a number \(got "0\.9"\)/.test(e.message),
  );
  assert.throws(
    () => parseDetectionRow({ ...DET, AP75: undefined }, "t.json"),
    /row\.AP75.*missing/,
  );
});

Deno.test("metrics schema: train, eval and detection lines; a torn line is undefined", () => {
  assert.equal(parseMetricsLine('{"step": 3, "loss": 0.7}')?.step, 3);
  const det = parseMetricsLine(JSON.stringify({ step: 9, eval: true, ...AP }));
  assert.equal(det && "AP50" in det ? det.AP50 : undefined, 0.7);
  assert.equal(parseMetricsLine('{"step": 4, "lo'), undefined); // killed mid-write
  assert.equal(parseMetricsLine('{"loss": 1}'), undefined); // no step
});

Deno.test("summary schema: a newer schemaVersion is refused; detection rows inside are checked", () => {
  assert.equal(parseSummary({ ...SUMMARY, rows: [DET] }, "s.json").rows?.length, 1);
  assert.throws(
    () => parseSummary({ ...SUMMARY, schemaVersion: SUMMARY_SCHEMA_VERSION + 1 }, "s.json"),
    /schemaVersion must be at most 1 \(update QuadraNet-TS\)/,
  );
  assert.throws(
    () => parseSummary({ ...SUMMARY, rows: [{ ...DET, APl: null }] }, "s.json"),
    /rows\[0\]\.APl must be a number/,
  );
});

Deno.test("config schema: an object, else the error names config", () => {
  assert.deepEqual(parseConfig({ rank: 8 }, "c.json"), { rank: 8 });
  assert.throws(() => parseConfig([1], "c.json"), /config must be an object/);
});

Deno.test("parseSummary: protocol rows are validated as such, naming the field", () => {
  const base = { ...SUMMARY, protocol: 1 };
  const ms = { mean: 0.5, std: 0, n: 1 };
  const row = {
    method: "quadratic",
    trainableParams: 1,
    inferenceFlops: 2,
    runIds: ["c-quadratic-s1"],
    test: ms,
    validation: ms,
    budgetFlops: ms,
    budgetSeconds: ms,
    paired: null,
    toTarget: { reached: 0, n: 1 },
  };
  assert.equal(parseSummary({ ...base, rows: [row] }, "s.json").rows?.length, 1);
  assert.throws(
    () => parseSummary({ ...base, rows: [{ ...row, test: { mean: 0.5 } }] }, "s.json"),
    /rows\[0\]\.test\.std must be a number/,
  );
  assert.throws(
    () => parseSummary({ ...base, rows: [{ ...row, toTarget: { n: 1 } }] }, "s.json"),
    /rows\[0\]\.toTarget must be/,
  );
});
