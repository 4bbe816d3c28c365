/**
 * The typed plugin registry: definitions registered by kind under a name
 * ({@link PluginKinds} says which interface each kind implements).
 *
 * A {@link Registry} can be made and filled explicitly (tests, embedding);
 * the process-wide one, holding the core's built-ins, is
 * {@link defaultRegistry} and the free functions `register`/`lookup` work on
 * it. Importing a plugin's `mod.ts` registers what it provides there.
 *
 * @example
 * ```ts
 * import { Registry, quadraticKernel } from "@quadranet/core";
 * const registry = new Registry();
 * registry.register("kernel", quadraticKernel.name, quadraticKernel);
 * const k = registry.lookup("kernel", "quadratic"); // typed: KernelMethod
 * console.log(k.name);
 * ```
 * @module
 */
import { DuplicatePluginError, UnknownPluginError } from "../errors.ts";
import { PLUGIN_KINDS, type PluginKind, type PluginKinds, type PluginSet } from "./kinds.ts";

// tfjs-layers' JSON round trip rewrites string values between camelCase and
// snake_case ("my_kernel" comes back as "myKernel"), so names stored in layer
// configs are matched ignoring case, "_" and "-".
function loose(name: string): string {
  return name.replace(/[_-]/g, "").toLowerCase();
}

/** A table of plugin definitions by kind and name. */
export class Registry {
  // Each kind's map holds only PluginKinds[kind] values: `register` is the
  // one way in and its signature enforces that, so `lookup` may narrow.
  #tables = new Map<PluginKind, Map<string, PluginKinds[PluginKind]>>(
    PLUGIN_KINDS.map((k) => [k, new Map()]),
  );

  #table(kind: PluginKind): Map<string, PluginKinds[PluginKind]> {
    const t = this.#tables.get(kind);
    if (!t) {
      throw new TypeError(`Unknown plugin kind "${kind}"; kinds are: ${PLUGIN_KINDS.join(", ")}`);
    }
    return t;
  }

  /**
   * Registers `definition` under `name` and returns it. Registering the same
   * definition twice is a no-op; a different definition under a taken name throws
   * {@link DuplicatePluginError}.
   */
  register<K extends PluginKind>(
    kind: K,
    name: string,
    definition: PluginKinds[K],
  ): PluginKinds[K] {
    if (!name || typeof name !== "string") {
      throw new TypeError(`register(${kind}, name): name must be a non-empty string`);
    }
    const t = this.#table(kind);
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

  /** Registers every definition of `set` under its own `name`. */
  registerAll(set: PluginSet): void {
    for (const kind of PLUGIN_KINDS) {
      for (const def of set[kind] ?? []) this.register(kind, def.name, def);
    }
  }

  /** Removes a registration (for tests and plugin reloads); whether there was one. */
  unregister(kind: PluginKind, name: string): boolean {
    return this.#table(kind).delete(name);
  }

  /** Whether `name` is registered as a `kind` (names match loosely, see {@link Registry.lookup}). */
  isRegistered(kind: PluginKind, name: string): boolean {
    return this.#find(kind, name) !== undefined;
  }

  /** The registered names of a kind, sorted. */
  registered(kind: PluginKind): string[] {
    return [...this.#table(kind).keys()].sort();
  }

  /**
   * The definition registered as `name`; `"my_kernel"` also matches
   * `"myKernel"`. Throws {@link UnknownPluginError} listing the registered names.
   */
  lookup<K extends PluginKind>(kind: K, name: string): PluginKinds[K] {
    const found = this.#find(kind, name);
    if (found === undefined) throw new UnknownPluginError(kind, name, this.registered(kind));
    return found;
  }

  #find<K extends PluginKind>(kind: K, name: string): PluginKinds[K] | undefined {
    const t = this.#table(kind) as Map<string, PluginKinds[K]>;
    if (t.has(name)) return t.get(name);
    const matches = [...t.keys()].filter((k) => loose(k) === loose(name));
    return matches.length === 1 ? t.get(matches[0]) : undefined;
  }
}
