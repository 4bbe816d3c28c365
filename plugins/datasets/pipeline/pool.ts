/**
 * A pool of decode workers (`worker.ts`): jobs queue in order and each worker
 * takes the next when it finishes one. With 0 workers, decoding runs on the
 * calling thread (for tests and single-core machines).
 *
 * @example
 * ```ts
 * import { DecodePool } from "@quadranet/datasets";
 * const pool = new DecodePool(2);
 * const r = await pool.decode(await Deno.readFile("cat.jpg"), "cat.jpg", { kind: "eval", size: 224 }, 0);
 * pool.close();
 * ```
 * @module
 */
import { type Decoded, decodeImage } from "./decode.ts";
import type { TransformSpec } from "./transforms.ts";
import type { DecodeJob } from "./worker.ts";
import { ownBuffer, WorkerPool } from "./worker_pool.ts";

/**
 * Jobs in flight per worker: two, so a worker reads its next message and normalises one image
 * while libvips decodes another.
 */
const SLOTS_PER_WORKER = 2;

/** Decode workers with a FIFO job queue. */
export class DecodePool {
  readonly #pool: WorkerPool<DecodeJob, { id: number } & Decoded, Decoded>;

  /** Starts `workers` threads (0: decode on this thread). */
  constructor(readonly workers: number) {
    this.#pool = new WorkerPool({
      name: "DecodePool",
      worker: new URL("./worker.ts", import.meta.url),
      workers,
      slotsPerWorker: SLOTS_PER_WORKER,
      runHere: (j) => decodeImage(j.bytes, j.path, j.spec, j.seed),
      settle: (m) => ({ data: m.data, issues: m.issues }),
      transfer: (j) => [j.bytes.buffer],
    });
  }

  /** Decodes one image (the bytes are transferred to a worker: do not reuse them). */
  decode(bytes: Uint8Array, path: string, spec: TransformSpec, seed: number): Promise<Decoded> {
    return this.#pool.run({ bytes: this.workers ? ownBuffer(bytes) : bytes, path, spec, seed });
  }

  /** Stops the workers; pending jobs fail. */
  close(): void {
    this.#pool.close();
  }
}
