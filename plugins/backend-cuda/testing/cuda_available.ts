/**
 * Test helper: opens the CUDA runtime once, or says in one line why the GPU
 * tests are skipped. `QUADRANET_REQUIRE_CUDA=1` (the device script sets it)
 * turns a missing GPU into a failure.
 *
 * @example
 * ```ts
 * import { cudaForTests } from "./cuda_available.ts";
 * const gpu = await cudaForTests();
 * Deno.test({ name: "x", ignore: !gpu.ok, fn() {} });
 * ```
 * @module
 */
import { registerCudaBackend } from "../backend.ts";
import type { CudaRuntime } from "../runtime.ts";

/** The probe's outcome. */
export type CudaForTests = { ok: true; rt: CudaRuntime } | { ok: false; why: string };

/** Registers the backend if a GPU and the libraries are here; prints the skip line once if not. */
export async function cudaForTests(): Promise<CudaForTests> {
  try {
    return { ok: true, rt: await registerCudaBackend() };
  } catch (e) {
    if (Deno.env.get("QUADRANET_REQUIRE_CUDA") === "1") throw e;
    const why = (e as Error).message.split("\n")[0];
    console.log(`skipping CUDA GPU tests: ${why}`);
    return { ok: false, why };
  }
}
