/**
 * Atomic file writes: write a temporary file in the same folder, flush it to
 * disk, then rename it over the target. A reader sees the old file or the
 * new one, never a half-written one.
 *
 * @example
 * ```ts
 * import { writeFileAtomic, writeJsonAtomic } from "@quadranet/core";
 * await writeJsonAtomic("runs/r1/summary.json", { status: "running" });
 * await writeFileAtomic("runs/r1/weights.bin", new Uint8Array(16));
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";

/** The moments of an atomic write at which a fault can be injected. */
export type WriteStage = "partial" | "written" | "renamed";

/**
 * Fault injection for tests (`tests/fault/`): when `hook` is set, it is
 * called with `partial` after half of the bytes are written, `written`
 * before the rename and `renamed` after it, so a test can kill the process
 * at any moment of any write. Unset (the default), writes are unaffected.
 */
export const writeFaults: { hook?: (stage: WriteStage, path: string) => void } = {};

/** Writes `data` to `path` atomically (creating the folder if needed). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      let off = 0;
      if (writeFaults.hook) {
        const half = bytes.length >> 1;
        while (off < half) off += await file.write(bytes.subarray(off, half));
        writeFaults.hook("partial", path);
      }
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
      await file.sync();
    } finally {
      file.close();
    }
    writeFaults.hook?.("written", path);
    await Deno.rename(tmp, path);
    writeFaults.hook?.("renamed", path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Writes `value` as pretty JSON to `path` atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}
