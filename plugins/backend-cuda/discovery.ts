/**
 * Finds NVIDIA's shared libraries for the `cuda` backend without loading
 * them: the CUDA runtime (`libcudart`), driver (`libcuda`), cuBLAS, NVRTC and
 * cuDNN. Places searched, in order:
 *
 * 1. `QUADRANET_CUDA_LIB_DIR` (one or more folders, `:`-separated);
 * 2. the toolkit: `/usr/local/cuda-<version>/targets/<arch>/lib`, `.../lib64`, `.../lib`, newest first;
 * 3. each folder of `LD_LIBRARY_PATH`;
 * 4. a Python environment's `site-packages/nvidia/<package>/lib` (pip's `nvidia-cudnn-cu*`
 *    and friends): `VIRTUAL_ENV`, `CONDA_PREFIX`, then the folder above each
 *    `python3` on `PATH`;
 * 5. the bare soname, left to the dynamic loader (how the driver's `libcuda.so.1`
 *    is normally found).
 *
 * @example
 * ```ts
 * import { discoverCudaLibraries, formatDiscovery } from "@quadranet/backend-cuda";
 * const found = discoverCudaLibraries();
 * if (!found.ok) console.error(formatDiscovery(found));
 * ```
 * @module
 */

/** Environment variable naming the folder(s) that hold the CUDA libraries. */
export const CUDA_LIB_DIR_ENV = "QUADRANET_CUDA_LIB_DIR";

/** The libraries the backend opens; `required: false` ones only speed things up. */
export const CUDA_LIBRARIES = {
  cudart: { sonames: ["libcudart.so.13", "libcudart.so.12"], required: true },
  cuda: { sonames: ["libcuda.so.1"], required: true },
  cublas: { sonames: ["libcublas.so.13", "libcublas.so.12"], required: true },
  nvrtc: { sonames: ["libnvrtc.so.13", "libnvrtc.so.12"], required: true },
  cudnn: { sonames: ["libcudnn.so.9"], required: false },
} as const;

/** A library's key in {@link CUDA_LIBRARIES}. */
export type CudaLibraryName = keyof typeof CUDA_LIBRARIES;

/** Where one library was found (a path) or that the loader should try its soname. */
export interface FoundLibrary {
  /** Absolute path, or a bare soname for the loader. */
  path: string;
  /** `env`, `toolkit`, `LD_LIBRARY_PATH`, `python`, or `loader` (bare soname). */
  source: string;
}

/** What {@link discoverCudaLibraries} found. */
export interface CudaDiscovery {
  /** Every required library has a candidate. */
  ok: boolean;
  /** Where each library found is. */
  found: Partial<Record<CudaLibraryName, FoundLibrary>>;
  /** Required or optional libraries with no file anywhere searched. */
  missing: CudaLibraryName[];
  /** Folders searched, in order, with where each came from. */
  searched: { dir: string; source: string }[];
}

/** What discovery reads from the machine; tests pass their own. */
export interface DiscoveryEnv {
  /** An environment variable's value. */
  env: (name: string) => string | undefined;
  /** File names in a folder ([] when it does not exist). */
  list: (dir: string) => string[];
}

function safeList(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env
  }
}

/** The real machine. */
export const SYSTEM_DISCOVERY_ENV: DiscoveryEnv = { env: safeEnv, list: safeList };

/** Numeric-aware descending order of version-named folders: cuda-13.0, cuda-12.10, cuda-12.9, cuda. */
export function compareVersionsDesc(a: string, b: string): number {
  const na = a.match(/\d+/g)?.map(Number) ?? [], nb = b.match(/\d+/g)?.map(Number) ?? [];
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (nb[i] ?? -1) - (na[i] ?? -1);
    if (d !== 0) return d;
  }
  return b.localeCompare(a);
}

/** Folders to search, in order, each with the reason it is searched. */
export function searchDirs(e: DiscoveryEnv): { dir: string; source: string }[] {
  const out: { dir: string; source: string }[] = [];
  const add = (dir: string, source: string) => {
    const d = dir.replace(/\/+$/, "");
    if (d && !out.some((o) => o.dir === d)) out.push({ dir: d, source });
  };
  for (const d of (e.env(CUDA_LIB_DIR_ENV) ?? "").split(":")) add(d, "env");
  const toolkits = e.list("/usr/local").filter((n) => /^cuda(-[\d.]+)?$/.test(n))
    .sort(compareVersionsDesc);
  for (const t of toolkits) {
    for (const target of e.list(`/usr/local/${t}/targets`).sort()) {
      add(`/usr/local/${t}/targets/${target}/lib`, "toolkit");
    }
    add(`/usr/local/${t}/lib64`, "toolkit");
    add(`/usr/local/${t}/lib`, "toolkit");
  }
  for (const d of (e.env("LD_LIBRARY_PATH") ?? "").split(":")) add(d, "LD_LIBRARY_PATH");
  for (const prefix of pythonPrefixes(e)) {
    for (const lib of ["lib", "lib64"]) {
      for (const py of e.list(`${prefix}/${lib}`).filter((n) => /^python3/.test(n)).sort()) {
        const nvidia = `${prefix}/${lib}/${py}/site-packages/nvidia`;
        for (const pkg of e.list(nvidia).sort()) add(`${nvidia}/${pkg}/lib`, "python");
      }
    }
  }
  return out;
}

/** Python environment prefixes: VIRTUAL_ENV, CONDA_PREFIX, then the parent of each PATH folder holding python3. */
export function pythonPrefixes(e: DiscoveryEnv): string[] {
  const out: string[] = [];
  for (const v of [e.env("VIRTUAL_ENV"), e.env("CONDA_PREFIX")]) if (v) out.push(v);
  for (const dir of (e.env("PATH") ?? "").split(":")) {
    if (dir && e.list(dir).includes("python3")) {
      out.push(dir.replace(/\/+$/, "").replace(/\/[^/]*$/, ""));
    }
  }
  return [...new Set(out.filter((p) => p.length > 0))];
}

/** Looks for every library in {@link CUDA_LIBRARIES}; loads nothing. */
export function discoverCudaLibraries(e: DiscoveryEnv = SYSTEM_DISCOVERY_ENV): CudaDiscovery {
  const searched = searchDirs(e);
  const listings = new Map(searched.map((s) => [s.dir, new Set(e.list(s.dir))]));
  const found: CudaDiscovery["found"] = {};
  const missing: CudaLibraryName[] = [];
  for (
    const [name, spec] of Object.entries(CUDA_LIBRARIES) as [
      CudaLibraryName,
      typeof CUDA_LIBRARIES[CudaLibraryName],
    ][]
  ) {
    let hit: FoundLibrary | undefined;
    // An explicit folder wins with any supported version; elsewhere the newest soname wins.
    const explicit = searched.filter((s) => s.source === "env");
    const rest = searched.filter((s) => s.source !== "env");
    for (const dirs of [explicit, rest]) {
      for (const soname of spec.sonames) {
        const at = dirs.find((s) => listings.get(s.dir)!.has(soname));
        if (at && !hit) hit = { path: `${at.dir}/${soname}`, source: at.source };
      }
    }
    // The driver library lives wherever the driver installed it; the loader knows.
    if (!hit && name === "cuda") hit = { path: spec.sonames[0], source: "loader" };
    if (hit) found[name] = hit;
    else missing.push(name);
  }
  const ok = missing.every((m) => !CUDA_LIBRARIES[m].required);
  return { ok, found, missing, searched };
}

/** One paragraph: what is missing, where it looked, what to do. */
export function formatDiscovery(d: CudaDiscovery): string {
  if (d.ok && d.missing.length === 0) {
    return Object.entries(d.found).map(([k, v]) => `${k}: ${v!.path}`).join(", ");
  }
  const where = d.searched.length
    ? d.searched.map((s) => s.dir).slice(0, 6).join(", ") + (d.searched.length > 6 ? ", ..." : "")
    : "no candidate folders";
  const req = d.missing.filter((m) => CUDA_LIBRARIES[m].required);
  const opt = d.missing.filter((m) => !CUDA_LIBRARIES[m].required);
  const parts: string[] = [];
  if (req.length) {
    parts.push(
      `no ${
        req.map((m) => CUDA_LIBRARIES[m].sonames.join("/")).join(", ")
      } found (searched ${where}); ` +
        `install the CUDA toolkit 12 or 13 or set ${CUDA_LIB_DIR_ENV} to the folder that holds them`,
    );
  }
  if (opt.length && req.length === 0) {
    parts.push(
      `optional ${opt.map((m) => CUDA_LIBRARIES[m].sonames.join("/")).join(", ")} not found: ` +
        `convolutions fall back to the cpu kernels (pip install nvidia-cudnn-cu12, or add its lib folder to ${CUDA_LIB_DIR_ENV})`,
    );
  }
  return parts.join("; ");
}
