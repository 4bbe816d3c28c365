import assert from "node:assert/strict";
import { DuplicatePluginError, UnknownPluginError } from "../errors.ts";
import { tf } from "../tf.ts";
import type { KernelMethod } from "../adapter/kernel_method.ts";
import type { TaskDefinition } from "./task.ts";
import { isRegistered, lookup, register, registered, unregister } from "./default_registry.ts";
import { loadPlugins } from "./plugin_loader.ts";
import { Registry } from "./registry.ts";

const cubic: KernelMethod = {
  name: "cubic_t",
  apply: (u, v) => tf.mul(tf.mul(u, v), tf.add(u, v)),
};

const task = (name: string): TaskDefinition => ({
  name,
  description: "test task",
  options: [],
  run: () => Promise.resolve({ status: "completed" }),
});

Deno.test("registry: register returns the definition; lookup, list and unregister", () => {
  const def = task("t1");
  assert.equal(register("task", "t1", def), def);
  register("task", "t1", def); // same definition twice: no-op
  const found: TaskDefinition = lookup("task", "t1"); // typed by kind, no cast
  assert.equal(found, def);
  assert.ok(registered("task").includes("t1"));
  assert.ok(unregister("task", "t1"));
  assert.equal(isRegistered("task", "t1"), false);
});

Deno.test("registry: a different definition under a taken name fails", () => {
  register("task", "dup", task("dup"));
  assert.throws(() => register("task", "dup", task("dup")), DuplicatePluginError);
  unregister("task", "dup");
});

Deno.test("registry: unknown names fail listing the registered ones", () => {
  assert.throws(() => lookup("kernel", "nope"), (e: unknown) => {
    assert.ok(e instanceof UnknownPluginError);
    assert.match(e.message, /Unknown kernel "nope"; registered kernels: .*quadratic/);
    return true;
  });
});

Deno.test("registry: names survive tfjs' snake_case/camelCase round trip", () => {
  const def = { ...cubic, name: "my_kernel" };
  register("kernel", "my_kernel", def);
  assert.equal(lookup("kernel", "myKernel"), def);
  unregister("kernel", "my_kernel");
});

Deno.test("Registry: an explicit registry is separate from the default one", () => {
  const r = new Registry();
  r.registerAll({ kernel: [cubic], task: [task("only_here")] });
  assert.deepEqual(r.registered("kernel"), ["cubic_t"]);
  assert.equal(r.lookup("kernel", "cubic_t"), cubic);
  assert.equal(isRegistered("task", "only_here"), false);
  assert.throws(() => r.lookup("kernel", "quadratic"), UnknownPluginError);
  // the default registry holds the built-ins
  assert.deepEqual(
    ["backend", "kernel", "backprop", "method"].map((k) =>
      registered(k as "backend").filter((n) => ["cpu", "quadratic", "autodiff"].includes(n))
    ),
    [["cpu"], ["quadratic"], ["autodiff"], ["quadratic"]],
  );
});

Deno.test("loadPlugins: a user file registers its plugin; a missing file fails naming it", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/plugin.ts`;
  const core = new URL("../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    file,
    `import { register, tf } from "${core}";\n` +
      `register("kernel", "from_file", { name: "from_file", apply: (u, v) => tf.add(u, v) });\n`,
  );
  await loadPlugins([file]);
  const k = lookup("kernel", "from_file");
  const out = k.apply(tf.tensor1d([1, 2]), tf.tensor1d([3, 5]), {
    weights: {},
    options: {},
    training: false,
  });
  assert.deepEqual(Array.from(out.dataSync()), [4, 7]);
  unregister("kernel", "from_file");
  await assert.rejects(
    () => loadPlugins([`${dir}/missing.ts`]),
    /Cannot load plugin ".*missing.ts"/,
  );
  await Deno.remove(dir, { recursive: true });
});
