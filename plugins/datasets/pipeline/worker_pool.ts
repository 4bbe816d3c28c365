/**
 * A pool of worker threads with a FIFO job queue: each job gets an id, waits
 * for a free slot (a worker may take several jobs at once), goes to the
 * worker with its buffers transferred, and settles when the worker answers
 * with that id. A worker that fails rejects every job in flight or queued.
 * With 0 workers, jobs run on the calling thread (tests, single-core
 * machines). The image pipelines' pools ({@link DecodePool} here, coco's
 * letterbox pool) are this with their own worker module and job type;
 * `@quadranet/datasets/worker_pool` imports it without registering datasets.
 *
 * @example
 * ```ts
 * import { WorkerPool } from "@quadranet/datasets/worker_pool";
 * // testdata/double_worker.ts answers { id, n } with { id, twice: 2n }
 * const pool = new WorkerPool<{ id: number; n: number }, { id: number; twice: number }, number>({
 *   name: "DoublePool",
 *   worker: new URL("./testdata/double_worker.ts", import.meta.url),
 *   workers: 1,
 *   runHere: (job) => Promise.resolve(2 * job.n),
 *   settle: (reply) => reply.twice,
 * });
 * await pool.run({ n: 21 }); // 42
 * pool.close();
 * ```
 * @module
 */

/** How a {@link WorkerPool} runs its jobs. */
export interface WorkerPoolOptions<J extends { id: number }, M extends { id: number }, R> {
  /** The pool's name in error messages ("DecodePool is closed"). */
  name: string;
  /** The worker module: it answers each job message with a message carrying the job's id. */
  worker: URL;
  /** How many worker threads (0: run every job here with {@link WorkerPoolOptions.runHere}). */
  workers: number;
  /** Jobs in flight per worker (default 1). */
  slotsPerWorker?: number;
  /** Runs a job on this thread (0 workers). */
  runHere(job: J): Promise<R>;
  /** The job's result from the worker's answer; throwing rejects the job. */
  settle(reply: M): R;
  /** Buffers to transfer with the job (they are detached here afterwards). */
  transfer?(job: J): Transferable[];
}

interface Pending<J, R> {
  job: J;
  resolve(r: R): void;
  reject(e: unknown): void;
}

/** Worker threads with a FIFO job queue (see the module doc). */
export class WorkerPool<J extends { id: number }, M extends { id: number }, R> {
  readonly #workers: Worker[] = [];
  /** Free slots: each worker appears once per job it can take. */
  readonly #idle: Worker[] = [];
  readonly #queue: Pending<J, R>[] = [];
  readonly #running = new Map<number, Pending<J, R>>();
  #nextId = 0;
  #closed = false;

  /** Starts the worker threads. */
  constructor(readonly options: WorkerPoolOptions<J, M, R>) {
    for (let i = 0; i < options.workers; i++) {
      const w = new Worker(options.worker.href, { type: "module" });
      w.onmessage = (e: MessageEvent<M>) => {
        const p = this.#running.get(e.data.id);
        this.#running.delete(e.data.id);
        if (p) {
          try {
            p.resolve(options.settle(e.data));
          } catch (err) {
            p.reject(err);
          }
        }
        this.#idle.push(w);
        this.#pump();
      };
      w.onerror = (e) => {
        e.preventDefault();
        this.#rejectAll(new Error(`${options.name}: decode worker failed: ${e.message}`));
      };
      this.#workers.push(w);
      for (let k = 0; k < (options.slotsPerWorker ?? 1); k++) this.#idle.push(w);
    }
  }

  #pump(): void {
    while (this.#idle.length && this.#queue.length) {
      const w = this.#idle.shift()!, p = this.#queue.shift()!;
      this.#running.set(p.job.id, p);
      w.postMessage(p.job, this.options.transfer?.(p.job) ?? []);
    }
  }

  #rejectAll(err: Error): void {
    for (const p of [...this.#running.values(), ...this.#queue.splice(0)]) p.reject(err);
    this.#running.clear();
  }

  /** Runs one job (on a worker, or here with 0 workers). */
  run(job: Omit<J, "id">): Promise<R> {
    if (this.#closed) return Promise.reject(new Error(`${this.options.name} is closed`));
    const full = { ...job, id: this.#nextId++ } as J;
    if (this.options.workers === 0) return this.options.runHere(full);
    return new Promise((resolve, reject) => {
      this.#queue.push({ job: full, resolve, reject });
      this.#pump();
    });
  }

  /** Stops the workers; jobs in flight or queued fail. */
  close(): void {
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
    this.#rejectAll(new Error(`${this.options.name} closed`));
  }
}

/**
 * `bytes` as a view that owns its whole buffer, so that transferring it
 * detaches nothing else: a view on a larger buffer is copied out.
 */
export function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : bytes.slice();
}
