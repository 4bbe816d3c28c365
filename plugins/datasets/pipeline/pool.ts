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

interface Pending {
  job: DecodeJob;
  resolve(d: Decoded): void;
  reject(e: unknown): void;
}

/**
 * Jobs in flight per worker: two, so a worker reads its next message and normalises one image
 * while libvips decodes another.
 */
const SLOTS_PER_WORKER = 2;

/** Decode workers with a FIFO job queue. */
export class DecodePool {
  readonly #workers: Worker[] = [];
  /** Free slots: each worker appears once per job it can take. */
  readonly #idle: Worker[] = [];
  readonly #queue: Pending[] = [];
  readonly #running = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;

  /** Starts `workers` threads (0: decode on this thread). */
  constructor(readonly workers: number) {
    for (let i = 0; i < workers; i++) {
      const w = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
      w.onmessage = (e: MessageEvent<{ id: number } & Decoded>) => {
        const p = this.#running.get(e.data.id);
        this.#running.delete(e.data.id);
        p?.resolve({ data: e.data.data, issues: e.data.issues });
        this.#idle.push(w);
        this.#pump();
      };
      w.onerror = (e) => {
        e.preventDefault();
        const err = new Error(`decode worker failed: ${e.message}`);
        for (const p of [...this.#running.values(), ...this.#queue.splice(0)]) p.reject(err);
        this.#running.clear();
      };
      this.#workers.push(w);
      for (let k = 0; k < SLOTS_PER_WORKER; k++) this.#idle.push(w);
    }
  }

  #pump(): void {
    while (this.#idle.length && this.#queue.length) {
      const w = this.#idle.shift()!, p = this.#queue.shift()!;
      this.#running.set(p.job.id, p);
      w.postMessage(p.job, [p.job.bytes.buffer]);
    }
  }

  /** Decodes one image (the bytes are transferred to a worker: do not reuse them). */
  decode(bytes: Uint8Array, path: string, spec: TransformSpec, seed: number): Promise<Decoded> {
    if (this.#closed) return Promise.reject(new Error("DecodePool is closed"));
    if (this.workers === 0) return decodeImage(bytes, path, spec, seed);
    // A view on a larger buffer would transfer (and detach) the whole buffer: copy it out.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes
      : bytes.slice();
    return new Promise((resolve, reject) => {
      this.#queue.push({
        job: { id: this.#nextId++, bytes: own, path, spec, seed },
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  /** Stops the workers; pending jobs fail. */
  close(): void {
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
    const err = new Error("DecodePool closed");
    for (const p of [...this.#running.values(), ...this.#queue.splice(0)]) p.reject(err);
    this.#running.clear();
  }
}
