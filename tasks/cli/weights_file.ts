/**
 * The early check of a task's `--weights` file: before data is opened or a
 * backbone pre-trained, a missing file, a wrong extension or a file that is
 * not a safetensors file fails with a message naming it (exit 2).
 *
 * @example
 * ```ts
 * import { checkWeightsFile } from "./weights_file.ts";
 * await checkWeightsFile(undefined); // no --weights: nothing to check
 * ```
 * @module
 */
import { ConfigError } from "@quadranet/core";
import { checkSafetensorsFile, SafetensorsError } from "@quadranet/backbones";

/** Throws {@link ConfigError} (field `weights`) when `path` cannot serve as `--weights`. */
export async function checkWeightsFile(path: string | undefined): Promise<void> {
  if (!path) return;
  const flag = `--weights ${path}`;
  if (path.endsWith(".safetensors")) {
    try {
      await checkSafetensorsFile(path, flag);
    } catch (e) {
      if (e instanceof SafetensorsError) throw new ConfigError("weights", e.message);
      throw e;
    }
    return;
  }
  if (!path.endsWith(".json")) {
    throw new ConfigError(
      "weights",
      `${flag}: expected a .safetensors file or a tfjs model.json`,
    );
  }
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new ConfigError("weights", `${flag} is not a file`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ConfigError("weights", `${flag}: no such file; pass a .safetensors or model.json`);
    }
    throw e;
  }
}
