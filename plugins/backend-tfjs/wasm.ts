/**
 * The `wasm` backend plugin: `@tensorflow/tfjs-backend-wasm` (XNNPACK,
 * SIMD; one thread in Deno), loaded only when selected or tried.
 *
 * @example
 * ```ts
 * import { selectBackend } from "@quadranet/core";
 * import "@quadranet/backend-tfjs";
 * await selectBackend("wasm");
 * ```
 * @module
 */
import { type BackendPlugin, BackendUnavailableError } from "@quadranet/core";

const HINT = "Install it with `deno add npm:@tensorflow/tfjs-backend-wasm@4.22.0` (it is in " +
  "import_map.json; run `deno install` once where the npm registry is reachable).";

/** Where the `.wasm` binaries are: next to the package's dist/ in node_modules. */
function wasmDir(): string {
  const dir = new URL("../../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url);
  return dir.href;
}

/** tfjs' WebAssembly backend. */
export const wasmBackendPlugin: BackendPlugin = {
  name: "wasm",
  priority: 10,
  cannotTrain: "tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel",
  async init() {
    try {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      wasm.setWasmPaths(wasmDir());
    } catch (e) {
      throw new BackendUnavailableError("wasm", (e as Error).message.split("\n")[0], HINT);
    }
    return { tfjsName: "wasm", detail: "tfjs wasm, XNNPACK" };
  },
};
