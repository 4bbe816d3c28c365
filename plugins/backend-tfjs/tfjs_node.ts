/**
 * Backend plugins for `@tensorflow/tfjs-node-gpu` (CUDA) and
 * `@tensorflow/tfjs-node` (libtensorflow on CPU). Neither is a dependency:
 * their install scripts download libtensorflow, so they are imported only
 * when found installed in `node_modules/`, and a clear error says what to
 * install otherwise.
 *
 * @example
 * ```ts
 * import { selectBackend } from "@quadranet/core";
 * import "@quadranet/backend-tfjs";
 * await selectBackend("tfjs-node-gpu"); // throws with install steps when missing
 * ```
 * @module
 */
import { type BackendPlugin, BackendUnavailableError } from "@quadranet/core";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const VERSION = "4.22.0";

/** Install instructions for a tfjs-node package. */
export function nodeInstallHint(pkg: "tfjs-node" | "tfjs-node-gpu"): string {
  const gpu = pkg === "tfjs-node-gpu"
    ? " It needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 (the versions libtensorflow " +
      "2.9 of tfjs-node-gpu 4.x is built against) on the library path."
    : "";
  return `Install it with \`npm install @tensorflow/${pkg}@${VERSION}\` in the project root ` +
    `(its install script downloads libtensorflow; offline, point it at a mirror with ` +
    `TFJS_NODE_CDN_STORAGE=<url> or copy libtensorflow into its deps/ folder).${gpu}`;
}

/** The installed package folder, searching node_modules upward from the working directory. */
export function findInstalled(pkg: string, from = Deno.cwd()): string | undefined {
  for (let dir = from;; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "@tensorflow", pkg);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function gpuPresent(): boolean {
  return existsSync("/proc/driver/nvidia/version") || existsSync("/dev/nvidia0");
}

function nodePlugin(pkg: "tfjs-node" | "tfjs-node-gpu", priority: number): BackendPlugin {
  return {
    name: pkg,
    priority,
    async init() {
      const dir = findInstalled(pkg);
      if (!dir) {
        throw new BackendUnavailableError(pkg, "package not installed", nodeInstallHint(pkg));
      }
      if (pkg === "tfjs-node-gpu" && !gpuPresent()) {
        throw new BackendUnavailableError(pkg, "no NVIDIA GPU driver found", nodeInstallHint(pkg));
      }
      try {
        await import(`npm:@tensorflow/${pkg}@${VERSION}`);
      } catch (e) {
        const why = (e as Error).message.split("\n")[0];
        throw new BackendUnavailableError(
          pkg,
          `cannot load its native library (${why})`,
          nodeInstallHint(pkg),
        );
      }
      return { tfjsName: "tensorflow", detail: `@tensorflow/${pkg}@${VERSION}` };
    },
  };
}

/** `@tensorflow/tfjs-node-gpu`: tried first when installed and a GPU driver is present. */
export const tfjsNodeGpuBackendPlugin: BackendPlugin = nodePlugin("tfjs-node-gpu", 50);
/** `@tensorflow/tfjs-node`. */
export const tfjsNodeBackendPlugin: BackendPlugin = nodePlugin("tfjs-node", 40);
