/**
 * Loads user plugins named by path or module specifier (`--plugin`, or
 * `plugins` in a run config). Importing a plugin module registers what it
 * provides into the registry.
 *
 * @example
 * ```ts
 * import { loadPlugins, lookup } from "@quadranet/core";
 * await loadPlugins(["./my_kernel.ts"]);
 * lookup("kernel", "cubic");
 * ```
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PluginLoadError } from "../errors.ts";

function toSpecifier(spec: string, baseDir: string): string {
  if (/^(npm|jsr|https?|file|node):/.test(spec)) return spec;
  if (spec.startsWith(".") || isAbsolute(spec) || /\.(ts|js|mjs|tsx)$/.test(spec)) {
    return pathToFileURL(resolve(baseDir, spec)).href;
  }
  return spec; // a bare specifier from the import map
}

/**
 * Imports each plugin in order; relative paths resolve against `baseDir`
 * (default: the working directory). Returns the resolved specifiers.
 */
export async function loadPlugins(specs: string[], baseDir = Deno.cwd()): Promise<string[]> {
  const loaded: string[] = [];
  for (const spec of specs) {
    const url = toSpecifier(spec, baseDir);
    try {
      await import(url);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new PluginLoadError(
        `Cannot load plugin "${spec}" (${url}): ${why}. Pass a path to a .ts/.js file ` +
          `that exists or a specifier from import_map.json.`,
      );
    }
    loaded.push(url);
  }
  return loaded;
}
