/**
 * Decode workers for detection inputs (FIFO queue; with 0 workers decoding runs on this thread).
 * The classification pipeline of `@quadranet/datasets` has the same shape; once both are in one
 * place this pool is a letterbox job kind of that one.
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
import { decodeLetterbox, IMAGENET_NORMALISATION, type Normalisation } from "./decode_letterbox.ts";
import type { LetterboxJob } from "./decode_worker.ts";
import type { LetterboxPlan } from "./letterbox.ts";

interface Pending {
  job: LetterboxJob;
  resolve(d: Float32Array): void;
  reject(e: unknown): void;
}

/** A pool of letterbox decode workers. */
export class LetterboxPool {
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: Pending[] = [];
  readonly #running = new Map<number, Pending>();
  #next = 0;
  #closed = false;

  /** Starts `workers` decode threads (0: decode on this thread) normalising with `norm`. */
  constructor(readonly workers: number, readonly norm: Normalisation = IMAGENET_NORMALISATION) {
    for (let i = 0; i < workers; i++) {
      const w = new Worker(new URL("./decode_worker.ts", import.meta.url).href, { type: "module" });
      w.onmessage = (e: MessageEvent<{ id: number; data?: Float32Array; error?: string }>) => {
        const p = this.#running.get(e.data.id);
        this.#running.delete(e.data.id);
        if (e.data.data) p?.resolve(e.data.data);
        else p?.reject(new Error(e.data.error));
        this.#idle.push(w);
        this.#pump();
      };
      w.onerror = (e) => {
        e.preventDefault();
        const err = new Error(`decode worker failed: ${e.message}`);
        for (const p of [...this.#running.values(), ...this.#queue.splice(0)]) p.reject(err);
        this.#running.clear();
      };
      this.#all.push(w);
      this.#idle.push(w);
    }
  }

  #pump(): void {
    while (this.#idle.length && this.#queue.length) {
      const w = this.#idle.shift()!, p = this.#queue.shift()!;
      this.#running.set(p.job.id, p);
      w.postMessage(p.job, [p.job.bytes.buffer]);
    }
  }

  /** Decodes one image into its letterboxed input (the bytes move to a worker: do not reuse them). */
  decode(bytes: Uint8Array, plan: LetterboxPlan): Promise<Float32Array> {
    if (this.#closed) return Promise.reject(new Error("LetterboxPool is closed"));
    if (this.workers === 0) return decodeLetterbox(bytes, plan, this.norm);
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes
      : bytes.slice();
    return new Promise((resolve, reject) => {
      this.#queue.push({
        job: { id: this.#next++, bytes: own, plan, norm: this.norm },
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  /** Stops the workers; queued jobs fail. */
  close(): void {
    this.#closed = true;
    const err = new Error("LetterboxPool closed");
    for (const p of [...this.#running.values(), ...this.#queue.splice(0)]) p.reject(err);
    this.#running.clear();
    for (const w of this.#all) w.terminate();
  }
}
