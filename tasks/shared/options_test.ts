import assert from "node:assert/strict";
import { checkTaskConfig, coerceOption, taskOptions } from "@quadranet/core";
import {
  checkpointEveryOption,
  methodsOption,
  runIdOption,
  seedOption,
  targetsOption,
  workersOption,
} from "./options.ts";

Deno.test("the common options fill their defaults and check their values", () => {
  const options = taskOptions([
    seedOption("seed"),
    runIdOption("comparison id"),
    methodsOption(["a", "b", "c"], ["a", "c"]),
    targetsOption("layers"),
    checkpointEveryOption(),
    workersOption(1, "workers"),
  ]);
  const c = checkTaskConfig(options, {});
  assert.deepEqual(c, {
    seed: 1,
    runId: undefined,
    methods: ["a", "c"],
    targets: undefined,
    checkpointEvery: 0,
    workers: 1,
  });
  assert.deepEqual(checkTaskConfig(options, { methods: "b,a", seed: 7 }).methods, ["b", "a"]);
  assert.throws(() => coerceOption(options[2], "a,d", "flag"), /"d" is not one of: a, b, c/);
  assert.throws(() => coerceOption(options[0], "-1", "flag"), /below the minimum 0/);
  assert.throws(() => coerceOption(options[4], "1.5", "flag"), /expected an integer/);
  // The defaults list is a copy: a task changing its config never changes the option.
  const m = methodsOption(["x", "y"]);
  m.default.pop();
  assert.deepEqual(methodsOption(["x", "y"]).default, ["x", "y"]);
});
