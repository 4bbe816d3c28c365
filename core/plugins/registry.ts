/**
 * The plugin registry: capabilities registered by kind under a name.
 *
 * Importing a plugin's `mod.ts` registers what it provides. The core knows
 * no plugin by name; it only looks names up here.
 *
 * @example
 * ```ts
 * import { lookup, register } from "@quadranet/core";
 * register("kernel", "cubic", myCubicKernel);
 * const k = lookup("kernel", "cubic");
 * ```
 * @module
 */
import { DuplicatePluginError, UnknownPluginError } from "../errors.ts";

/** The kinds of plugin the project knows. */
export const PLUGIN_KINDS = [
  "backend",
  "backbone",
  "kernel",
  "backprop",
  "head",
  "dataset",
  "task",
  "method",
] as const;

/** One of {@link PLUGIN_KINDS}. */
export type PluginKind = typeof PLUGIN_KINDS[number];

type Table = Map<PluginKind, Map<string, unknown>>;

// One table per process even if this module is reached through two
// specifiers (a user plugin importing the core by path, say).
const KEY = Symbol.for("quadranet.registry");
const store = globalThis as unknown as Record<symbol, Table | undefined>;
const table: Table = store[KEY] ??= new Map(PLUGIN_KINDS.map((k) => [k, new Map()]));

function kindTable(kind: PluginKind): Map<string, unknown> {
  const t = table.get(kind);
  if (!t) {
    throw new TypeError(`Unknown plugin kind "${kind}"; kinds are: ${PLUGIN_KINDS.join(", ")}`);
  }
  return t;
}

// tfjs-layers' JSON round trip rewrites string values between camelCase and
// snake_case ("my_kernel" comes back as "myKernel"), so names stored in layer
// configs are matched ignoring case, "_" and "-".
function loose(name: string): string {
  return name.replace(/[_-]/g, "").toLowerCase();
}

/**
 * Registers `definition` under `name`. Registering the same definition twice
 * is a no-op; a different definition under a taken name throws.
 */
export function register<T>(kind: PluginKind, name: string, definition: T): T {
  if (!name || typeof name !== "string") {
    throw new TypeError(`register(${kind}, name): name must be a non-empty string`);
  }
  const t = kindTable(kind);
  const existing = t.get(name);
  if (existing !== undefined && existing !== definition) {
    throw new DuplicatePluginError(
      `A different ${kind} is already registered as "${name}"; choose another name ` +
        `or unregister the first one.`,
    );
  }
  t.set(name, definition);
  return definition;
}

/** Removes a registration (for tests and plugin reloads). */
export function unregister(kind: PluginKind, name: string): boolean {
  return kindTable(kind).delete(name);
}

/** Whether `name` is registered as a `kind`. */
export function isRegistered(kind: PluginKind, name: string): boolean {
  return find(kind, name) !== undefined;
}

/** The registered names of a kind, sorted. */
export function registered(kind: PluginKind): string[] {
  return [...kindTable(kind).keys()].sort();
}

function find(kind: PluginKind, name: string): unknown {
  const t = kindTable(kind);
  if (t.has(name)) return t.get(name);
  const matches = [...t.keys()].filter((k) => loose(k) === loose(name));
  return matches.length === 1 ? t.get(matches[0]) : undefined;
}

/** Looks `name` up; throws {@link UnknownPluginError} listing the registered names. */
export function lookup<T = unknown>(kind: PluginKind, name: string): T {
  const found = find(kind, name);
  if (found === undefined) throw new UnknownPluginError(kind, name, registered(kind));
  return found as T;
}
