import assert from "node:assert/strict";
import { fmtTime, stageLabel } from "./progress.ts";

Deno.test("fmtTime rounds before splitting minutes: 119.6 s is 2m00s, never 1m60s", () => {
  assert.equal(fmtTime(119.6), "2m00s");
  assert.equal(fmtTime(59.5), "1m00s");
  assert.equal(fmtTime(59.4), "59s");
  assert.equal(fmtTime(185), "3m05s");
  assert.equal(fmtTime(Infinity), "?");
});

Deno.test("stageLabel names a stage once when it equals the run's label", () => {
  assert.equal(stageLabel("quadratic", "quadratic"), "quadratic");
  assert.equal(stageLabel("linear", "finetune"), "linear finetune");
  assert.equal(stageLabel(undefined, "scratch"), "train scratch");
});
