import assert from "node:assert/strict";
import { rowOrBroken, salvageSummary } from "./salvage.ts";

const GOOD = {
  method: "quadratic",
  runId: "cmp-quadratic",
  top1: 0.5,
  top5: 0.9,
  trainableParams: 10,
  computeSeconds: 2,
  wallSeconds: 2,
  trainingFlops: 1e6,
  relativeCompute: null,
  savingsPercent: 12.5,
};

Deno.test("rowOrBroken: a good row is typed; each malformation names the row and the field", () => {
  assert.deepEqual(rowOrBroken(GOOD, 0), GOOD);
  assert.deepEqual(rowOrBroken(null, 2), { index: 2, broken: "row 3: not an object (null)" });
  assert.match(
    (rowOrBroken({ ...GOOD, top1: "1" }, 0) as { broken: string }).broken,
    /^row 1: quadratic: top1 must be a number/,
  );
  assert.equal(
    (rowOrBroken({ ...GOOD, runId: "../x" }, 0) as { broken: string }).broken,
    "row 1: quadratic: runId is not a run id",
  );
  assert.equal(
    (rowOrBroken({ ...GOOD, top1: Infinity }, 0) as { broken: string }).broken,
    "row 1: quadratic: top1 is not a finite number",
  );
});

Deno.test("salvageSummary: keeps typed fields, drops and names the others", () => {
  const v = salvageSummary({
    task: "t",
    status: 3,
    final: { top1: 0.25, top5: "x", loss: null },
    params: { trainable: 5, total: 9, extra: "ignored" },
    compute: [1],
  });
  assert.equal(v.summary.task, "t");
  assert.equal(v.summary.status, undefined);
  assert.deepEqual(v.summary.final, { top1: 0.25 });
  assert.deepEqual(v.summary.params, { trainable: 5, total: 9 });
  assert.equal(v.summary.compute, undefined);
  assert.deepEqual(v.problems, [
    "status is not one of running, completed, failed, interrupted",
    "final.top5 is not a finite number",
    "compute is not an object",
  ]);
  assert.equal(v.rows, undefined);
});

const ms = { mean: 0.9, std: 0.01, n: 2 };
const PROTOCOL = {
  method: "quadratic",
  runIds: ["cmp-quadratic-s1", "cmp-quadratic-s2"],
  fromPretrained: true,
  trainableParams: 10,
  inferenceFlops: 1e6,
  inferenceOverhead: 0.5,
  test: ms,
  validation: ms,
  paired: null,
  toTarget: { reached: 2, n: 2 },
  budgetFlops: ms,
  budgetSeconds: ms,
};

Deno.test("rowOrBroken: a protocol row is read as one (runIds or the protocol flag), never as broken", () => {
  assert.deepEqual(rowOrBroken(PROTOCOL, 0), PROTOCOL);
  assert.deepEqual(rowOrBroken(PROTOCOL, 0, true), PROTOCOL);
  // in a protocol comparison a classic row is not a protocol row
  assert.match(
    (rowOrBroken(GOOD, 1, true) as { broken: string }).broken,
    /^row 2: quadratic: inferenceFlops must be a number \(got missing\)/,
  );
  assert.equal(
    (rowOrBroken({ ...PROTOCOL, runIds: ["ok-1", "../x"] }, 0) as { broken: string }).broken,
    "row 1: quadratic: runIds holds something that is not a run id",
  );
  assert.match(
    (rowOrBroken({ ...PROTOCOL, test: { mean: 1 } }, 0) as { broken: string }).broken,
    /^row 1: quadratic: test\.std must be a number/,
  );
  assert.equal(
    (rowOrBroken({ ...PROTOCOL, inferenceFlops: Infinity }, 0) as { broken: string }).broken,
    "row 1: quadratic: inferenceFlops is not a finite number",
  );
});

Deno.test("salvageSummary: a protocol comparison keeps its marker, target, seeds and typed rows", () => {
  const target = { rule: { kind: "absolute", top1: 0.9 }, perSeed: [0.9, 0.91] };
  const v = salvageSummary({
    status: "done", // the reason strict reading failed
    protocol: 1,
    pairedWith: "quadratic",
    seeds: [1, 2],
    target,
    finalOn: "test",
    validation: { top1: 0.5 },
    rows: [PROTOCOL, { ...PROTOCOL, runIds: "x" }],
  });
  assert.equal(v.summary.protocol, 1);
  assert.equal(v.summary.pairedWith, "quadratic");
  assert.deepEqual(v.summary.seeds, [1, 2]);
  assert.deepEqual(v.summary.target, target);
  assert.equal(v.summary.finalOn, "test");
  assert.deepEqual(v.summary.validation, { top1: 0.5 });
  assert.deepEqual(v.rows?.[0], PROTOCOL);
  assert.match((v.rows?.[1] as { broken: string }).broken, /^row 2: quadratic: runIds must be/);
  const bad = salvageSummary({ protocol: "1", seeds: ["a"], target: { perSeed: [1] }, rows: [] });
  assert.deepEqual(bad.problems, [
    "protocol is not a number",
    "seeds is not a list of numbers",
    "target is not an object with a rule (and numeric perSeed), or null",
  ]);
});
