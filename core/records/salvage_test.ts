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
