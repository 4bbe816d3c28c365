/**
 * The `webgpu` compute backend: tfjs-backend-webgpu 4.22 on Deno's WebGPU
 * (wgpu over Vulkan). Needs `--unstable-webgpu` and a Vulkan driver; on CI
 * machines Mesa's software Vulkan (llvmpipe) gives the same code path at CPU
 * speed. Importing this module registers backend plugin `webgpu`.
 *
 * Data read back from a GPU backend must use `await t.data()`: Deno has no
 * synchronous buffer mapping, so `dataSync()` fails there.
 *
 * @example
 * ```ts
 * import { selectBackend } from "@quadranet/core";
 * import "@quadranet/backend-webgpu";
 * await selectBackend("webgpu"); // deno run --unstable-webgpu ...
 * ```
 * @module
 */
import { type BackendPlugin, BackendUnavailableError, register } from "@quadranet/core";
import { WEBGPU_HINT, WebGpuUnavailableError } from "./adapter.ts";
import { registerWebGpuBackend, WEBGPU_BACKEND } from "./backend.ts";

export {
  isSoftwareAdapter,
  probeWebGpu,
  WEBGPU_HINT,
  type WebGpuAdapterFound,
  WebGpuUnavailableError,
} from "./adapter.ts";
export { registerWebGpuBackend, WEBGPU_BACKEND, webgpuValidationErrors } from "./backend.ts";
export { chunkedAddN, chunkRanges } from "./add_n.ts";

/**
 * The backend plugin. Priority 20: below `blas` (30) because tfjs-backend-webgpu
 * spends ≈ 0.2 ms per kernel even on an H200 (issue #17: a training step 3.8 s),
 * above `wasm` (10, cannot train) and `cpu`. Automatic selection declines a
 * software adapter, which would train slower than tfjs' cpu backend.
 */
export const webgpuBackendPlugin: BackendPlugin = {
  name: WEBGPU_BACKEND,
  priority: 20,
  async init(options) {
    try {
      const found = await registerWebGpuBackend();
      if (options?.auto && found.software) {
        throw new WebGpuUnavailableError(
          `only a software adapter (${found.description}); select it by name to use it anyway`,
        );
      }
      return { tfjsName: WEBGPU_BACKEND, detail: `tfjs webgpu, ${found.description}` };
    } catch (e) {
      const reason = e instanceof WebGpuUnavailableError ? e.reason : (e as Error).message;
      throw new BackendUnavailableError(WEBGPU_BACKEND, reason, WEBGPU_HINT);
    }
  },
};

register("backend", WEBGPU_BACKEND, webgpuBackendPlugin);
