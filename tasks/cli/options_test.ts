import assert from "node:assert/strict";
import { digitsShiftTask } from "../digits-shift/mod.ts";
import { joinNegativeValues, resolveConfig, resumeConflicts } from "./options.ts";

const resolve = (args: string[], file = {}, given: string[] = []) =>
  resolveConfig(args, digitsShiftTask, file, given);

Deno.test("a negative number after a flag reaches validation, which names the flag and the bound", () => {
  assert.throws(
    () => resolve(["--epochs", "-1"]),
    /Invalid flag --epochs: -1 is below the minimum 1/,
  );
  assert.throws(() => resolve(["--lr", "-.5"]), /Invalid flag --lr: -0\.5 must be above 0/);
  assert.deepEqual(joinNegativeValues(["--epochs", "-1", "--quick", "-h"], new Set(["epochs"])), [
    "--epochs=-1",
    "--quick",
    "-h",
  ]);
  // a flag after a value-taking flag is still a flag
  assert.throws(() => resolve(["--epochs", "--quick"]), /--epochs/);
});

Deno.test("--lr 0 and out-of-reach --width/--rank/sizes fail while parsing, before any record", () => {
  assert.throws(() => resolve(["--lr", "0"]), /--lr: 0 must be above 0/);
  assert.throws(() => resolve(["--width", "100000"]), /--width: 100000 is above the maximum 512/);
  assert.throws(() => resolve(["--rank", "1000000"]), /--rank: 1000000 is above the maximum 256/);
  assert.throws(() => resolve(["--test-size", "20000"]), /above the maximum 10000/);
  assert.equal(resolve(["--lr", "1e-5"]).lr, 1e-5);
});

Deno.test("resumeConflicts: options that differ from the stored config are named; equal ones pass", () => {
  const given: string[] = [];
  const config = resolve(["--resume", "r1", "--lr", "0.1", "--quick", "--quiet"], {}, given);
  assert.deepEqual(given.sort(), ["lr", "quick", "quiet", "resume"]);
  assert.deepEqual(resumeConflicts(config, given, { lr: 0.003, quick: true }), ["lr"]);
  assert.deepEqual(resumeConflicts(config, given, { lr: 0.1, quick: true }), []);
  const fromFile: string[] = [];
  const c2 = resolve(["--resume", "r1"], { shift: "gamma", plugins: [] }, fromFile);
  assert.deepEqual(resumeConflicts(c2, fromFile, { shift: "solarize" }), ["shift"]);
});
