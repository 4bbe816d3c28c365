/**
 * The `cpu` backend plugin: TensorFlow.js' pure-JavaScript cpu backend, the
 * slowest and always available (priority 0).
 *
 * @example
 * ```ts
 * import { selectBackend } from "@quadranet/core";
 * import "@quadranet/backend-tfjs";
 * await selectBackend("cpu");
 * ```
 * @module
 */
import type { BackendPlugin } from "@quadranet/core";

/** tfjs' own cpu backend. */
export const cpuBackendPlugin: BackendPlugin = {
  name: "cpu",
  priority: 0,
  init: () => Promise.resolve({ tfjsName: "cpu", detail: "tfjs cpu, pure JavaScript" }),
};
