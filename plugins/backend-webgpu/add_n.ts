/**
 * A chunked `AddN` for tfjs-backend-webgpu. The package's AddN binds every
 * input as its own storage buffer in one shader; with more inputs than the
 * device's `maxStorageBuffersPerShaderStage` (8 by default) the pipeline is
 * invalid and the result is silently wrong (measured in Deno 2.5.6 on
 * llvmpipe: `addN` of 8 scalars returned 0). This wrapper sums at most
 * `limit - 1` inputs per call of the original kernel, folding partial sums.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { chunkedAddN } from "@quadranet/backend-webgpu";
 * const orig = tf.getKernel(tf.AddN, "webgpu")!.kernelFunc;
 * const kernel = chunkedAddN(orig, 8);
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

/** Splits `n` inputs into consecutive groups of at most `size` (≥ 2). */
export function chunkRanges(n: number, size: number): [number, number][] {
  if (size < 2) throw new RangeError(`chunk size ${size} is below 2`);
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += size) out.push([s, Math.min(n, s + size)]);
  return out;
}

/** Wraps AddN kernel `orig` so that one call never binds more than `maxBuffers` buffers. */
export function chunkedAddN(orig: tf.KernelFunc, maxBuffers: number): tf.KernelFunc {
  const per = Math.max(2, maxBuffers - 1); // inputs + the output buffer
  return (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const backend = args.backend as tf.KernelBackend;
    if (inputs.length <= per) return orig(args);
    let level = inputs;
    const made: tf.TensorInfo[] = [];
    while (level.length > per) {
      level = chunkRanges(level.length, per).map(([s, e]) => {
        if (e - s === 1) return level[s];
        const part = orig({ ...args, inputs: level.slice(s, e) as never }) as tf.TensorInfo;
        made.push(part);
        return part;
      });
    }
    const out = orig({ ...args, inputs: level as never }) as tf.TensorInfo;
    for (const t of made) backend.disposeData(t.dataId);
    return out;
  };
}
