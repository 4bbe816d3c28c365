/**
 * TensorFlow.js' own backends as plugins: `tfjs-node-gpu`, `tfjs-node` (both
 * optional, loaded only where installed), `wasm` and `cpu`. Importing this
 * module registers them; with `@quadranet/backend-blas` the automatic order
 * is tfjs-node-gpu, tfjs-node, blas, wasm, cpu.
 *
 * @example
 * ```ts
 * import { selectBackend } from "@quadranet/core";
 * import "@quadranet/backend-tfjs";
 * const chosen = await selectBackend("auto");
 * ```
 * @module
 */
import { register } from "@quadranet/core";
import { tfjsNodeBackendPlugin, tfjsNodeGpuBackendPlugin } from "./tfjs_node.ts";
import { wasmBackendPlugin } from "./wasm.ts";

export { cpuBackendPlugin } from "@quadranet/core";
export { wasmBackendPlugin } from "./wasm.ts";
export {
  findInstalled,
  nodeInstallHint,
  tfjsNodeBackendPlugin,
  tfjsNodeGpuBackendPlugin,
} from "./tfjs_node.ts";

for (
  const p of [tfjsNodeGpuBackendPlugin, tfjsNodeBackendPlugin, wasmBackendPlugin]
) {
  register("backend", p.name, p);
}
