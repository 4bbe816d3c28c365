import assert from "node:assert/strict";
import { binarySource, unarySource } from "./elementwise_kernels.ts";
import { KernelCache, sourceHash } from "./kernel_cache.ts";

Deno.test("KernelCache compiles each distinct source once, whichever call site asks", () => {
  const compiled: string[] = [];
  const cache = new KernelCache((k) => {
    compiled.push(k.name);
    return { fn: k.name };
  });
  const a = cache.get(binarySource("Add", 2));
  const b = cache.get(binarySource("Add", 2)); // regenerated: same source
  assert.equal(a, b);
  cache.get(binarySource("Add", 3));
  cache.get(unarySource("Relu"));
  cache.get(unarySource("Relu"));
  assert.deepEqual(compiled, ["qn_binary_Add_r2", "qn_binary_Add_r3", "qn_unary_Relu"]);
  assert.equal(cache.compiles, 3);
});

Deno.test("sourceHash() is SHA-256 hex and changes with the source", () => {
  assert.equal(sourceHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.notEqual(sourceHash(unarySource("Relu").source), sourceHash(unarySource("Relu6").source));
});
