/**
 * Test support: runs an async function while `Tensor.dataSync` and
 * `arraySync` throw, proving the code under test reads tensors only
 * asynchronously (as GPU backends in Deno require).
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { withoutSyncReads } from "./no_sync.ts";
 * await withoutSyncReads(() => tf.scalar(1).data());
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

/** Calls `f` with synchronous tensor reads disabled; restores them afterwards. */
export async function withoutSyncReads<T>(f: () => Promise<T>): Promise<T> {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const saved = { dataSync: proto.dataSync, arraySync: proto.arraySync };
  const refuse = () => {
    throw new Error("synchronous tensor read (dataSync/arraySync) during an async-only path");
  };
  proto.dataSync = refuse;
  proto.arraySync = refuse;
  try {
    return await f();
  } finally {
    Object.assign(proto, saved);
  }
}
