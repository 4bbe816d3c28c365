/**
 * Test helper: the CUDA toolkit's compiler and headers where a machine has
 * them (this project's CPU machines carry CUDA 13's `nvcc`, `cuda.h` and
 * `cuda_runtime_api.h` without a GPU). Used to compile every generated
 * kernel to a real GPU binary and to check the FFI prototypes against
 * NVIDIA's headers. Missing, the tests skip with one line.
 *
 * @example
 * ```ts
 * import { findToolkit } from "./cuda_toolkit.ts";
 * const tk = findToolkit(); // { home, nvcc?, include? } or undefined
 * ```
 * @module
 */
import { compareVersionsDesc } from "../discovery.ts";

/** A toolkit folder and what it has. */
export interface Toolkit {
  home: string;
  nvcc?: string;
  include?: string;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `CUDA_HOME`, else the newest `/usr/local/cuda-*`. */
export function findToolkit(): Toolkit | undefined {
  const homes = [Deno.env.get("CUDA_HOME")].filter((h): h is string => !!h);
  try {
    homes.push(
      ...[...Deno.readDirSync("/usr/local")].map((e) => e.name)
        .filter((n) => /^cuda-[\d.]+$/.test(n)).sort(compareVersionsDesc).map((n) =>
          `/usr/local/${n}`
        ),
    );
  } catch { /* no /usr/local */ }
  for (const home of homes) {
    const nvcc = exists(`${home}/bin/nvcc`) ? `${home}/bin/nvcc` : undefined;
    const include = exists(`${home}/include/cuda.h`) ? `${home}/include` : undefined;
    if (nvcc || include) return { home, nvcc, include };
  }
  return undefined;
}
