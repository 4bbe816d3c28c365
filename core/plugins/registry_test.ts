import assert from "node:assert/strict";
import { isRegistered, lookup, register, registered, unregister } from "./registry.ts";
import { DuplicatePluginError, UnknownPluginError } from "../errors.ts";
import { loadPlugins } from "./plugin_loader.ts";
import "../adapter/kernel_method.ts";

Deno.test("registry: register, lookup, list and unregister", () => {
  const def = { name: "t1" };
  register("head", "t1", def);
  register("head", "t1", def); // same definition twice: no-op
  assert.equal(lookup("head", "t1"), def);
  assert.ok(registered("head").includes("t1"));
  assert.ok(unregister("head", "t1"));
  assert.equal(isRegistered("head", "t1"), false);
});

Deno.test("registry: a different definition under a taken name fails", () => {
  register("dataset", "dup", { a: 1 });
  assert.throws(() => register("dataset", "dup", { a: 2 }), DuplicatePluginError);
  unregister("dataset", "dup");
});

Deno.test("registry: unknown names fail listing the registered ones", () => {
  const err = assert.throws(() => lookup("kernel", "nope"), (e: unknown) => {
    assert.ok(e instanceof UnknownPluginError);
    assert.match(e.message, /Unknown kernel "nope"; registered kernels: .*quadratic/);
    return true;
  });
  void err;
});

Deno.test("registry: names survive tfjs' snake_case/camelCase round trip", () => {
  const def = { name: "my_kernel" };
  register("kernel", "my_kernel", def);
  assert.equal(lookup("kernel", "myKernel"), def);
  unregister("kernel", "my_kernel");
});

Deno.test("loadPlugins: a user file registers its plugin; a missing file fails naming it", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/plugin.ts`;
  const core = new URL("../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    file,
    `import { register } from "${core}";\nregister("head", "from_file", { ok: true });\n`,
  );
  await loadPlugins([file]);
  assert.deepEqual(lookup("head", "from_file"), { ok: true });
  unregister("head", "from_file");
  await assert.rejects(
    () => loadPlugins([`${dir}/missing.ts`]),
    /Cannot load plugin ".*missing.ts"/,
  );
  await Deno.remove(dir, { recursive: true });
});
