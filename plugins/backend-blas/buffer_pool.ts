/**
 * A pool of float32 arrays for kernel outputs that a kernel overwrites
 * entirely: a released array is handed to the next kernel asking for the
 * same length, so it skips the zero-fill and the page faults of a fresh
 * allocation (a training step allocates the same shapes every time).
 *
 * Safety: an array goes back to the pool only when it is provably held by
 * nothing else. The backend reports each array it stores ({@link adopt}),
 * each array it hands out to a reader ({@link escape}: `dataSync()` returns
 * the stored array itself) and each array whose data id it deleted
 * ({@link release}). An array is recyclable only if the pool allocated it,
 * it was stored exactly once, as itself (a view of it, as a contiguous
 * `Slice` makes, or the same array stored under a second id, rules it out),
 * and it never escaped.
 *
 * @example
 * ```ts
 * import { BufferPool } from "./buffer_pool.ts";
 * const pool = new BufferPool(1 << 20);
 * const a = pool.alloc(4096); // contents undefined: write every element
 * pool.adopt(a); // stored under a data id
 * pool.release(a); // that id was disposed: a is reused
 * pool.alloc(4096) === a; // true
 * ```
 * @module
 */

/** Arrays shorter than this are not pooled (V8 allocates them cheaply). */
export const MIN_POOLED_FLOATS = 1024;

/** Environment variable: the pool's bound in MiB (`0` turns it off; default: an eighth of RAM, ≤ 2 GiB). */
export const POOL_ENV = "QUADRANET_BLAS_POOL_MB";

/** Counters of a {@link BufferPool}. */
export interface PoolStats {
  /** Allocations served from the pool. */
  hits: number;
  /** Allocations that made a new array. */
  misses: number;
  /** Bytes held by free arrays now. */
  freeBytes: number;
}

/** A pool of float32 output arrays keyed by length, bounded in bytes. */
export class BufferPool {
  #free = new Map<number, Float32Array[]>();
  #fresh = new WeakSet<Float32Array>();
  #owned = new WeakMap<ArrayBuffer, Float32Array>();
  #shared = new WeakSet<ArrayBuffer>();
  #freeBytes = 0;
  #hits = 0;
  #misses = 0;

  /** A pool holding at most `maxBytes` of free arrays (0: never reuses). */
  constructor(public maxBytes: number) {}

  /** An array of `n` floats whose contents are undefined (a recycled one when available). */
  alloc(n: number): Float32Array {
    if (n >= MIN_POOLED_FLOATS && this.maxBytes > 0) {
      const a = this.#free.get(n)?.pop();
      if (a) {
        this.#freeBytes -= 4 * n;
        this.#hits++;
        this.#fresh.add(a);
        return a;
      }
      this.#misses++;
    }
    const a = new Float32Array(n);
    if (n >= MIN_POOLED_FLOATS) this.#fresh.add(a);
    return a;
  }

  /** An array of `n` zeros (for outputs that are accumulated into). */
  allocZeroed(n: number): Float32Array {
    const hits = this.#hits, a = this.alloc(n);
    return this.#hits !== hits ? a.fill(0) : a; // a new array is zeros already
  }

  /** The backend stored `values` under a data id. */
  adopt(values: unknown): void {
    if (!(values instanceof Float32Array)) return;
    const buffer = values.buffer as ArrayBuffer;
    if (this.#fresh.has(values)) {
      this.#fresh.delete(values);
      // Owned unless a view of it was stored first.
      if (!this.#shared.has(buffer)) this.#owned.set(buffer, values);
    } else {
      // A second holder of the buffer (a view, or the array stored again).
      this.#shared.add(buffer);
      this.#owned.delete(buffer);
    }
  }

  /** `values` left the backend (a reader may keep it): never recycle it. */
  escape(values: unknown): void {
    if (!(values instanceof Float32Array)) return;
    this.#shared.add(values.buffer as ArrayBuffer);
    this.#owned.delete(values.buffer as ArrayBuffer);
  }

  /** The data id holding `values` was deleted: recycle the array if the pool owns it alone. */
  release(values: unknown): void {
    if (!(values instanceof Float32Array)) return;
    const buffer = values.buffer as ArrayBuffer;
    if (this.#owned.get(buffer) !== values) return;
    this.#owned.delete(buffer);
    this.#keep(values);
  }

  /** Takes back an array from {@link alloc} that was never stored (a kernel's temporary). */
  recycle(a: Float32Array): void {
    if (!this.#fresh.has(a)) return;
    this.#fresh.delete(a);
    this.#keep(a);
  }

  #keep(a: Float32Array): void {
    const bytes = 4 * a.length;
    if (this.#freeBytes + bytes > this.maxBytes) return; // full: left to the GC
    const list = this.#free.get(a.length);
    if (list) list.push(a);
    else this.#free.set(a.length, [a]);
    this.#freeBytes += bytes;
  }

  /** Drops every free array. */
  clear(): void {
    this.#free.clear();
    this.#freeBytes = 0;
  }

  /** Hit/miss counters and free bytes. */
  stats(): PoolStats {
    return { hits: this.#hits, misses: this.#misses, freeBytes: this.#freeBytes };
  }
}

/**
 * The default bound: an eighth of the machine's memory, at most 2 GiB (a
 * 64×64 step of the bench's ResNet frees about 1.2 GiB that the next step
 * reuses); 512 MiB when the memory size cannot be read (no --allow-sys).
 */
function defaultPoolBytes(): number {
  try {
    return Math.min(2 ** 31, Math.floor(Deno.systemMemoryInfo().total / 8));
  } catch {
    return 512 * 2 ** 20;
  }
}

function envPoolBytes(): number {
  try {
    const mb = Deno.env.get(POOL_ENV);
    if (mb === undefined || mb === "") return defaultPoolBytes();
    const n = Number(mb);
    if (!Number.isFinite(n) || n < 0) {
      throw new Error(`${POOL_ENV}=${mb}: expected a size in MiB (0 turns the pool off)`);
    }
    return n * 2 ** 20;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return defaultPoolBytes(); // no --allow-env: the default
    }
    throw e;
  }
}

/** The process's pool for the `blas` backend's kernel outputs (size from {@link POOL_ENV}). */
export const outputPool: BufferPool = new BufferPool(envPoolBytes());

/** An output array of `n` floats from {@link outputPool}; the kernel must write every element. */
export function allocOutput(n: number): Float32Array {
  return outputPool.alloc(n);
}

/** An output array of `n` zeros from {@link outputPool}. */
export function allocZeroedOutput(n: number): Float32Array {
  return outputPool.allocZeroed(n);
}
