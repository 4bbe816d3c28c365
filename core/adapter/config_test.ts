import assert from "node:assert/strict";
import { configFromJson, configToJson, resolveAdaptConfig } from "./config.ts";
import { ConfigError } from "../errors.ts";
import "./adapt.ts";

function fails(config: Record<string, unknown>, field: string, message: RegExp) {
  assert.throws(() => resolveAdaptConfig(config), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });
}

Deno.test("resolveAdaptConfig: defaults", () => {
  const c = resolveAdaptConfig({});
  assert.deepEqual(
    [c.method, c.rank, c.alpha, c.kernel, c.targets, c.trainPrimary, c.backprop, c.seed],
    ["quadratic", 8, 8, "quadratic", "all", false, "autodiff", 0],
  );
  assert.equal(resolveAdaptConfig({ rank: 4 }).alpha, 4);
});

Deno.test("resolveAdaptConfig: bad values fail saying what to change", () => {
  fails({ rank: 0 }, "rank", /rank 0 is below 1; use rank >= 1/);
  fails({ rank: 2.5 }, "rank", /not an integer; use rank >= 1/);
  fails({ dilation: -1 }, "dilation", /-1 is below 1; use dilation >= 1/);
  fails({ quadKernelSize: [3, 0] }, "quadKernelSize", /use quadKernelSize >= 1/);
  fails({ alpha: 0 }, "alpha", /alpha 0 must be a finite number > 0/);
  fails({ kernel: "nope" }, "kernel", /Unknown kernel "nope"; registered kernels: .*quadratic/);
  fails(
    { backprop: "magic" },
    "backprop",
    /Unknown backprop "magic"; registered backprops: autodiff/,
  );
  fails({ rnak: 4 }, "rnak", /Unknown adapter config key "rnak"; allowed keys: method, rank/);
  fails({ targets: [3] }, "targets", /layer names, class names or RegExps/);
});

Deno.test("configToJson/configFromJson round-trip RegExps", () => {
  const c = resolveAdaptConfig({ targets: [/conv\d/i, "head"], exclude: "conv1", dilation: 2 });
  const back = resolveAdaptConfig(configFromJson(JSON.parse(JSON.stringify(configToJson(c)))));
  assert.deepEqual(back, c);
});
