/**
 * Finds a WebGPU adapter in Deno and says, in one sentence, why not when
 * there is none: no `navigator.gpu` (Deno started without
 * `--unstable-webgpu`), or no adapter (no Vulkan loader or driver).
 *
 * @example
 * ```ts
 * import { probeWebGpu } from "@quadranet/backend-webgpu";
 * const found = await probeWebGpu(); // throws WebGpuUnavailableError
 * console.log(found.description, found.software);
 * ```
 * @module
 */

/** How to get an adapter, printed with every "unavailable" reason. */
export const WEBGPU_HINT: string =
  "Run Deno with --unstable-webgpu and install a Vulkan loader and driver " +
  "(Debian/Ubuntu: `apt-get install libvulkan1 mesa-vulkan-drivers` for the software adapter, " +
  "or the GPU vendor's driver).";

/** Raised when Deno offers no WebGPU adapter; `reason` says which part is missing. */
export class WebGpuUnavailableError extends Error {
  /** `reason`: which part is missing. */
  constructor(readonly reason: string) {
    super(`No WebGPU adapter: ${reason}. ${WEBGPU_HINT}`);
    this.name = "WebGpuUnavailableError";
  }
}

/** What {@link probeWebGpu} found. */
export interface WebGpuAdapterFound {
  /** The adapter itself. */
  adapter: GPUAdapter;
  /** "NVIDIA H200", "llvmpipe (LLVM 15.0.6, 256 bits)", ... */
  description: string;
  /** A CPU rasteriser (Mesa llvmpipe/lavapipe, SwiftShader): same code path, CPU speed. */
  software: boolean;
}

/** Names of software (CPU) Vulkan/WebGPU implementations. */
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software/i;

/** Whether an adapter description names a software implementation. */
export function isSoftwareAdapter(description: string, isFallback = false): boolean {
  return isFallback || SOFTWARE.test(description);
}

/** Requests the high-performance adapter; throws {@link WebGpuUnavailableError}. */
export async function probeWebGpu(): Promise<WebGpuAdapterFound> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (!gpu) throw new WebGpuUnavailableError("navigator.gpu is missing (no --unstable-webgpu?)");
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    throw new WebGpuUnavailableError(`requestAdapter failed: ${(e as Error).message}`);
  }
  if (!adapter) {
    throw new WebGpuUnavailableError("requestAdapter() returned null (no Vulkan driver found)");
  }
  const info = adapter.info;
  const description = [info.description, info.device, info.vendor]
    .find((s) => typeof s === "string" && s.length > 0) ?? "unnamed adapter";
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return { adapter, description, software: isSoftwareAdapter(description, fallback) };
}
