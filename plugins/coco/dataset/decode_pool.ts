/**
 * Decode workers for detection inputs: the datasets pipeline's worker pool
 * (`@quadranet/datasets/worker_pool`, FIFO queue; with 0 workers decoding
 * runs on this thread) with the letterbox decode as its job.
 *
 * @example
 * ```ts
 * import { LetterboxPool } from "@quadranet/coco";
 * import { planLetterbox } from "./letterbox.ts";
 * const pool = new LetterboxPool(2);
 * const x = await pool.decode(await Deno.readFile("a.jpg"), planLetterbox(640, 480, [512, 512], false));
 * pool.close();
 * ```
 * @module
 */
import { ownBuffer, WorkerPool } from "@quadranet/datasets/worker_pool";
import { decodeLetterbox, IMAGENET_NORMALISATION, type Normalisation } from "./decode_letterbox.ts";
import type { LetterboxJob, LetterboxReply } from "./decode_worker.ts";
import type { LetterboxPlan } from "./letterbox.ts";

/** A pool of letterbox decode workers. */
export class LetterboxPool {
  readonly #pool: WorkerPool<LetterboxJob, LetterboxReply, Float32Array>;

  /** Starts `workers` decode threads (0: decode on this thread) normalising with `norm`. */
  constructor(readonly workers: number, readonly norm: Normalisation = IMAGENET_NORMALISATION) {
    this.#pool = new WorkerPool({
      name: "LetterboxPool",
      worker: new URL("./decode_worker.ts", import.meta.url),
      workers,
      runHere: (j) => decodeLetterbox(j.bytes, j.plan, j.norm),
      settle: (m) => {
        if (m.data) return m.data;
        throw new Error(m.error);
      },
      transfer: (j) => [j.bytes.buffer],
    });
  }

  /** Decodes one image into its letterboxed input (the bytes move to a worker: do not reuse them). */
  decode(bytes: Uint8Array, plan: LetterboxPlan): Promise<Float32Array> {
    return this.#pool.run({
      bytes: this.workers ? ownBuffer(bytes) : bytes,
      plan,
      norm: this.norm,
    });
  }

  /** Stops the workers; queued jobs fail. */
  close(): void {
    this.#pool.close();
  }
}
