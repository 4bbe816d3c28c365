import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { register, unregister } from "../plugins/default_registry.ts";
import { checkTaskConfig, type ConfigOf, taskOptions } from "../plugins/task.ts";
import { resolveAdaptConfig } from "./config.ts";
import {
  ADAPTER_OPTION_NAMES,
  ADAPTER_OPTIONS,
  adapterTaskOption,
  COMMON_OPTIONS,
} from "./options.ts";
import { quadraticMethod } from "./quadratic_layer.ts";

Deno.test("ADAPTER_OPTIONS: every key has help and a default; quadratic accepts the method-scoped ones", () => {
  assert.deepEqual(ADAPTER_OPTION_NAMES, [
    "method",
    "rank",
    "alpha",
    "kernel",
    "kernelOptions",
    "quadKernelSize",
    "dilation",
    "targets",
    "exclude",
    "trainPrimary",
    "modulesToSave",
    "backprop",
    "seed",
  ]);
  for (const k of ADAPTER_OPTION_NAMES) assert.ok(ADAPTER_OPTIONS[k].help.length > 10, k);
  const scoped = ADAPTER_OPTION_NAMES.filter((k) => !COMMON_OPTIONS.includes(k));
  assert.deepEqual([...quadraticMethod.accepts].sort(), [...scoped].sort());
});

Deno.test("resolveAdaptConfig: an option the method does not accept fails naming method and option", () => {
  const firstOrder = { ...quadraticMethod, name: "first_order_t", accepts: [] };
  register("method", firstOrder.name, firstOrder);
  try {
    assert.throws(
      () => resolveAdaptConfig({ method: "first_order_t", kernel: "quadratic" }),
      (e) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.field, "kernel");
        assert.match(
          e.message,
          /method "first_order_t" does not support option "kernel".*quadratic/,
        );
        return true;
      },
    );
    // common options and unset method options are fine
    assert.equal(resolveAdaptConfig({ method: "first_order_t", rank: 2, seed: 3 }).alpha, 2);
  } finally {
    unregister("method", firstOrder.name);
  }
});

Deno.test("adapterTaskOption: task flags come from the table", () => {
  const rank = adapterTaskOption("rank", 4);
  assert.deepEqual({ ...rank, help: undefined }, {
    name: "rank",
    type: "number",
    default: 4,
    help: undefined,
    integer: true,
    min: 1,
  });
  assert.equal(rank.help, `${ADAPTER_OPTIONS.rank.help} (adapter option)`);
  assert.equal(adapterTaskOption("kernel", "quadratic").type, "string");
});

Deno.test("checkTaskConfig: a stored config comes back typed and checked", () => {
  const options = taskOptions([
    { name: "epochs", type: "number", integer: true, min: 1, default: 3, help: "epochs" },
    { name: "optimizer", type: "string", default: "adamw", choices: ["adamw", "sgd"], help: "opt" },
    adapterTaskOption("rank", 4),
  ]);
  const c: ConfigOf<typeof options> = checkTaskConfig(options, { epochs: 5, extra: "kept out" });
  const optimizer: "adamw" | "sgd" = c.optimizer; // narrowed by its choices
  assert.deepEqual({ ...c, optimizer }, { epochs: 5, optimizer: "adamw", rank: 4 });
  assert.throws(
    () => checkTaskConfig(options, { epochs: 0 }),
    /Invalid config "epochs": 0 is below the minimum 1/,
  );
  assert.throws(
    () => checkTaskConfig(options, { optimizer: "adam" }),
    /"adam" is not one of: adamw, sgd/,
  );
});
