import assert from "node:assert/strict";
// (The adapter-finding test lives in backend_test.ts: every test touching WebGPU is in that one module.)
import { isSoftwareAdapter, probeWebGpu, WebGpuUnavailableError } from "./adapter.ts";

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
