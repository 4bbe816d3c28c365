/**
 * Registers tfjs-backend-webgpu 4.22 under the name `webgpu` with a device
 * factory that works in Deno.
 *
 * The package's own factory asks for the feature list
 * `["timestamp-query", ["bgra8unorm-storage"]]` (an array inside the array);
 * browsers turn the inner array into its string, Deno's stricter WebIDL
 * conversion rejects it ("can not be converted to a enum") and the backend
 * never initialises. This factory requests the same device with a flat list,
 * the adapter's storage-buffer limit, replaces AddN by a chunked one (see
 * add_n.ts) and reports WebGPU validation errors instead of computing garbage
 * silently.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { registerWebGpuBackend } from "@quadranet/backend-webgpu";
 * await registerWebGpuBackend(); // throws WebGpuUnavailableError without an adapter
 * await tf.setBackend("webgpu");
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { probeWebGpu, type WebGpuAdapterFound } from "./adapter.ts";
import { chunkedAddN } from "./add_n.ts";

/** The backend's name in tfjs. */
export const WEBGPU_BACKEND = "webgpu";

/** Features the backend uses when the adapter has them. */
const WANTED_FEATURES: GPUFeatureName[] = ["timestamp-query", "bgra8unorm-storage"];

let registered: Promise<WebGpuAdapterFound> | undefined;
let wrappedAddN = false;
let validationErrors = 0;

/** WebGPU validation errors seen so far (the first three are printed). */
export function webgpuValidationErrors(): number {
  return validationErrors;
}

/** Device limits tfjs-backend-webgpu asks for: the adapter's own maxima. */
function requiredLimits(l: GPUSupportedLimits): Record<string, number> {
  return {
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
  };
}

async function register(): Promise<WebGpuAdapterFound> {
  const found = await probeWebGpu();
  // Importing the package registers its kernels (and its own factory, replaced below).
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  if (tf.findBackendFactory(WEBGPU_BACKEND)) tf.removeBackend(WEBGPU_BACKEND);
  tf.registerBackend(WEBGPU_BACKEND, async () => {
    const { adapter } = found;
    const device = await adapter.requestDevice({
      requiredFeatures: WANTED_FEATURES.filter((f) => adapter.features.has(f)),
      requiredLimits: requiredLimits(adapter.limits),
    });
    device.addEventListener("uncapturederror", (e) => {
      validationErrors++;
      if (validationErrors <= 3) {
        console.error(`webgpu: ${(e as GPUUncapturedErrorEvent).error.message.split("\n")[0]}`);
      }
    });
    // deno-lint-ignore no-explicit-any
    return new WebGPUBackend(device, adapter.info as any);
  }, 0);
  const addN = tf.getKernel(tf.AddN, WEBGPU_BACKEND);
  if (addN && !wrappedAddN) {
    wrappedAddN = true;
    tf.unregisterKernel(tf.AddN, WEBGPU_BACKEND);
    tf.registerKernel({
      kernelName: tf.AddN,
      backendName: WEBGPU_BACKEND,
      kernelFunc: chunkedAddN(
        addN.kernelFunc,
        found.adapter.limits.maxStorageBuffersPerShaderStage,
      ),
    });
  }
  return found;
}

/**
 * Registers the `webgpu` backend once per process (later calls return the
 * same adapter) and returns the adapter it will use.
 */
export function registerWebGpuBackend(): Promise<WebGpuAdapterFound> {
  registered ??= register().catch((e) => {
    registered = undefined;
    throw e;
  });
  return registered;
}
