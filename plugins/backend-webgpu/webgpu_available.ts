/**
 * Test helper: whether this process has a WebGPU adapter, and the one line
 * a skipped test prints when it has none. `QUADRANET_REQUIRE_WEBGPU=1` (set
 * by CI, which installs Mesa's software Vulkan) turns a missing adapter into
 * a failure instead of a skip.
 *
 * @example
 * ```ts
 * import { webgpuForTests } from "./webgpu_available.ts";
 * const gpu = await webgpuForTests();
 * Deno.test({ name: "x", ignore: !gpu.ok, fn() {} });
 * ```
 * @module
 */
import { probeWebGpu, type WebGpuAdapterFound } from "./adapter.ts";

/** The probe's outcome for tests. */
export type WebGpuForTests = { ok: true; found: WebGpuAdapterFound } | { ok: false; why: string };

/** Probes once; prints one line when the WebGPU tests will be skipped. */
export async function webgpuForTests(): Promise<WebGpuForTests> {
  try {
    return { ok: true, found: await probeWebGpu() };
  } catch (e) {
    if (Deno.env.get("QUADRANET_REQUIRE_WEBGPU") === "1") throw e;
    const why = (e as Error).message;
    console.log(`skipping webgpu tests: ${why}`);
    return { ok: false, why };
  }
}
