import assert from "node:assert/strict";
import { isSoftwareAdapter, probeWebGpu, WebGpuUnavailableError } from "./adapter.ts";
import { webgpuForTests } from "./webgpu_available.ts";

Deno.test("isSoftwareAdapter() recognises CPU rasterisers and the fallback flag", () => {
  assert.equal(isSoftwareAdapter("llvmpipe (LLVM 15.0.6, 256 bits)"), true);
  assert.equal(isSoftwareAdapter("SwiftShader Device (Subzero)"), true);
  assert.equal(isSoftwareAdapter("NVIDIA H200"), false);
  assert.equal(isSoftwareAdapter("NVIDIA H200", true), true);
});

Deno.test("probeWebGpu() without navigator.gpu names the flag to add", async () => {
  const nav = globalThis.navigator as unknown as { gpu?: unknown };
  // Shadow the prototype's getter on the instance for the duration of the test.
  Object.defineProperty(nav, "gpu", { value: undefined, configurable: true });
  try {
    await assert.rejects(probeWebGpu(), (e: unknown) => {
      assert.ok(e instanceof WebGpuUnavailableError);
      assert.match(e.message, /--unstable-webgpu.*mesa-vulkan-drivers/s);
      return true;
    });
  } finally {
    delete nav.gpu;
  }
});

const gpu = await webgpuForTests();

Deno.test({
  name: "probeWebGpu() finds an adapter and names it",
  ignore: !gpu.ok,
  fn() {
    if (!gpu.ok) return;
    assert.ok(gpu.found.description.length > 0);
    // The adapter takes real limits (tfjs-backend-webgpu requests these maxima).
    assert.ok(gpu.found.adapter.limits.maxStorageBufferBindingSize >= 1 << 27);
  },
});
