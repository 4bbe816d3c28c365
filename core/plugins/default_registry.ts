/**
 * The process-wide registry with the core's built-ins (`cpu` backend,
 * `quadratic` kernel, `autodiff` backprop, `quadratic` method), created on
 * first use, and the free functions that work on it.
 *
 * @example
 * ```ts
 * import { lookup, register, type KernelMethod, tf } from "@quadranet/core";
 * const cubic: KernelMethod = { name: "cubic", apply: (u, v) => tf.mul(tf.mul(u, v), tf.add(u, v)) };
 * register("kernel", cubic.name, cubic);
 * console.log(lookup("kernel", "cubic").name);
 * ```
 * @module
 */
import { quadraticMethod } from "../adapter/quadratic_layer.ts";
import { autodiff } from "../adapter/backprop.ts";
import { quadraticKernel } from "../adapter/kernel_method.ts";
import { cpuBackendPlugin } from "./backend_select.ts";
import type { PluginKind, PluginKinds } from "./kinds.ts";
import { Registry } from "./registry.ts";

// One registry per process even if the core is reached through two
// specifiers (a user plugin importing it by path, say): two module copies
// share it through a global symbol.
const KEY = Symbol.for("quadranet.registry.v2");
const store = globalThis as unknown as Record<symbol, Registry | undefined>;

/** The process-wide registry (built-ins registered on first use). */
export function defaultRegistry(): Registry {
  let r = store[KEY];
  if (!r) {
    r = store[KEY] = new Registry();
    r.registerAll({
      backend: [cpuBackendPlugin],
      kernel: [quadraticKernel],
      backprop: [autodiff],
      method: [quadraticMethod],
    });
  }
  return r;
}

/** {@link Registry.register} on the {@link defaultRegistry}; returns `definition`. */
export function register<K extends PluginKind>(
  kind: K,
  name: string,
  definition: PluginKinds[K],
): PluginKinds[K] {
  return defaultRegistry().register(kind, name, definition);
}

/** {@link Registry.lookup} on the {@link defaultRegistry}. */
export function lookup<K extends PluginKind>(kind: K, name: string): PluginKinds[K] {
  return defaultRegistry().lookup(kind, name);
}

/** {@link Registry.unregister} on the {@link defaultRegistry}. */
export function unregister(kind: PluginKind, name: string): boolean {
  return defaultRegistry().unregister(kind, name);
}

/** {@link Registry.isRegistered} on the {@link defaultRegistry}. */
export function isRegistered(kind: PluginKind, name: string): boolean {
  return defaultRegistry().isRegistered(kind, name);
}

/** {@link Registry.registered} on the {@link defaultRegistry}. */
export function registered(kind: PluginKind): string[] {
  return defaultRegistry().registered(kind);
}
