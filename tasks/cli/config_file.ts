/**
 * Reads a run config file: plain JSON, or a TS/JS module whose default
 * export is the config object.
 *
 * @example
 * ```ts
 * const cfg = await readConfigFile("my_run.json"); // { epochs: 3, shift: "gamma" }
 * ```
 * @module
 */
import { ConfigError } from "@quadranet/core";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The config object in `path`. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new ConfigError("config", `Config file "${path}" does not exist`);
  let value: unknown;
  if (/\.(ts|js|mjs)$/.test(abs)) {
    value = (await import(pathToFileURL(abs).href)).default;
  } else {
    try {
      value = JSON.parse(await Deno.readTextFile(abs));
    } catch (e) {
      throw new ConfigError(
        "config",
        `Config file "${path}" is not valid JSON: ${(e as Error).message}`,
      );
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(
      "config",
      `Config file "${path}" must hold an object (JSON) or default-export one (TS)`,
    );
  }
  return value as Record<string, unknown>;
}
