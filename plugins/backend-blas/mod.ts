/**
 * The `blas` compute backend: tfjs' cpu backend with matmul and convolution
 * kernels (forward and both gradients) on OpenBLAS through `Deno.dlopen`.
 * Importing this module registers it as backend plugin `blas`; it needs
 * `--allow-ffi`.
 *
 * @example
 * ```ts
 * import { selectBackend } from "@quadranet/core";
 * import "@quadranet/backend-blas";
 * await selectBackend("blas"); // or "auto"
 * ```
 * @module
 */
import { type BackendPlugin, BackendUnavailableError, register } from "@quadranet/core";
import { BLAS_BACKEND, registerBlasBackend } from "./backend.ts";
import { BLAS_INSTALL_HINT, BlasUnavailableError } from "./blas_library.ts";

export {
  type Blas,
  BLAS_ENV,
  BLAS_INSTALL_HINT,
  BlasUnavailableError,
  candidateLibraries,
  openBlas,
} from "./blas_library.ts";
export { BLAS_BACKEND, BLAS_KERNELS, registerBlasBackend } from "./backend.ts";
export type { KernelFn } from "./kernel_util.ts";

/** The backend plugin (priority 30: above wasm and cpu, below tfjs-node). */
export const blasBackendPlugin: BackendPlugin = {
  name: BLAS_BACKEND,
  priority: 30,
  announceSkip: true,
  init() {
    try {
      const blas = registerBlasBackend();
      return Promise.resolve({ tfjsName: BLAS_BACKEND, detail: blas.path });
    } catch (e) {
      const reason = e instanceof BlasUnavailableError
        ? "no OpenBLAS/CBLAS library found"
        : (e as Error).message;
      return Promise.reject(new BackendUnavailableError(BLAS_BACKEND, reason, BLAS_INSTALL_HINT));
    }
  },
};

register("backend", BLAS_BACKEND, blasBackendPlugin);
