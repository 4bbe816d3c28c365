/**
 * A caching device-memory allocator: freed blocks go to a free list per size
 * class and are handed out again, so a training step that allocates the same
 * shapes every time calls `cudaMalloc` only during its first step.
 *
 * Size classes: 512-byte multiples up to 1 MiB, 2 MiB multiples above (the
 * rounding PyTorch's allocator uses). A request is served from its own
 * class's free list, else by a new device allocation; when that fails, the
 * cache is emptied and the allocation tried once more.
 *
 * @example
 * ```ts
 * import { CachingAllocator } from "./allocator.ts";
 * let next = 1n << 32n;
 * const alloc = new CachingAllocator({
 *   malloc: (bytes) => (next += BigInt(bytes)) - BigInt(bytes),
 *   free: () => {},
 * });
 * const b = alloc.alloc(1000); // 1024-byte block
 * alloc.release(b);
 * alloc.alloc(900).ptr === b.ptr; // true: reused
 * ```
 * @module
 */

/** The device side: raw allocation and release (cudaMalloc / cudaFree). */
export interface DeviceMemory {
  /** Returns a device pointer; throws when the device is out of memory. */
  malloc(bytes: number): bigint;
  /** Releases a pointer `malloc` returned. */
  free(ptr: bigint): void;
}

/** One allocation handed out. */
export interface Block {
  /** Device address (0 for zero-byte blocks). */
  readonly ptr: bigint;
  /** Bytes reserved (the size class). */
  readonly size: number;
  /** Bytes asked for. */
  readonly requested: number;
}

/** Counters, in bytes and calls. */
export interface AllocatorStats {
  /** Bytes of blocks handed out and not yet released (size classes). */
  inUseBytes: number;
  /** Bytes in free lists, ready for reuse. */
  cachedBytes: number;
  /** inUse + cached: what the device has given us. */
  reservedBytes: number;
  /** Highest `inUseBytes` so far. */
  peakInUseBytes: number;
  /** Blocks handed out and not yet released. */
  blocksInUse: number;
  /** Device allocations made. */
  mallocCalls: number;
  /** Device frees made (emptyCache). */
  freeCalls: number;
  /** Allocations served from a free list. */
  reuses: number;
}

const SMALL_LIMIT = 1 << 20;
const SMALL_STEP = 512;
const LARGE_STEP = 2 << 20;

/** The size class of a request of `bytes` (0 stays 0). */
export function sizeClass(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new RangeError(`invalid allocation size ${bytes}`);
  }
  if (bytes === 0) return 0;
  const step = bytes <= SMALL_LIMIT ? SMALL_STEP : LARGE_STEP;
  return Math.ceil(bytes / step) * step;
}

/** Raised when the device cannot give a block even after the cache was emptied. */
export class DeviceOutOfMemoryError extends Error {
  /** The size that failed, the allocator's counters, and the device error. */
  constructor(readonly bytes: number, readonly stats: AllocatorStats, cause: unknown) {
    super(
      `cuda: out of device memory allocating ${bytes} bytes (${stats.inUseBytes} in use, ` +
        `${stats.cachedBytes} cached and released, ${stats.peakInUseBytes} peak); use a smaller ` +
        `batch or --backprop recompute`,
      { cause },
    );
    this.name = "DeviceOutOfMemoryError";
  }
}

/** Free lists per size class over a {@link DeviceMemory}. */
export class CachingAllocator {
  #free = new Map<number, bigint[]>();
  #live = new Map<bigint, Block>();
  #stats: AllocatorStats = {
    inUseBytes: 0,
    cachedBytes: 0,
    reservedBytes: 0,
    peakInUseBytes: 0,
    blocksInUse: 0,
    mallocCalls: 0,
    freeCalls: 0,
    reuses: 0,
  };

  /** An allocator over `device`. */
  constructor(private readonly device: DeviceMemory) {}

  /** A block of at least `bytes`; a zero-byte request gets the null pointer. */
  alloc(bytes: number): Block {
    const size = sizeClass(bytes);
    if (size === 0) return { ptr: 0n, size: 0, requested: 0 };
    const s = this.#stats;
    let ptr = this.#free.get(size)?.pop();
    if (ptr !== undefined) {
      s.reuses++;
      s.cachedBytes -= size;
    } else {
      ptr = this.#malloc(size);
      s.reservedBytes += size;
    }
    const block = { ptr, size, requested: bytes };
    this.#live.set(ptr, block);
    s.inUseBytes += size;
    s.blocksInUse++;
    s.peakInUseBytes = Math.max(s.peakInUseBytes, s.inUseBytes);
    return block;
  }

  #malloc(size: number): bigint {
    this.#stats.mallocCalls++;
    try {
      return this.device.malloc(size);
    } catch (first) {
      if (this.#stats.cachedBytes === 0) {
        throw new DeviceOutOfMemoryError(size, this.stats(), first);
      }
      this.emptyCache();
      this.#stats.mallocCalls++;
      try {
        return this.device.malloc(size);
      } catch (e) {
        throw new DeviceOutOfMemoryError(size, this.stats(), e);
      }
    }
  }

  /** Returns `block` to its free list (the device memory stays reserved). */
  release(block: Block): void {
    if (block.size === 0) return;
    if (this.#live.get(block.ptr) !== block) {
      throw new Error(
        `cuda allocator: block 0x${block.ptr.toString(16)} released twice or unknown`,
      );
    }
    this.#live.delete(block.ptr);
    const list = this.#free.get(block.size) ?? [];
    list.push(block.ptr);
    this.#free.set(block.size, list);
    const s = this.#stats;
    s.inUseBytes -= block.size;
    s.cachedBytes += block.size;
    s.blocksInUse--;
  }

  /** Gives every cached block back to the device. */
  emptyCache(): void {
    for (const [size, list] of this.#free) {
      for (const ptr of list) {
        this.device.free(ptr);
        this.#stats.freeCalls++;
        this.#stats.reservedBytes -= size;
        this.#stats.cachedBytes -= size;
      }
    }
    this.#free.clear();
  }

  /** A copy of the counters. */
  stats(): AllocatorStats {
    return { ...this.#stats };
  }
}
