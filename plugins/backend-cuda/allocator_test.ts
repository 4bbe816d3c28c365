import assert from "node:assert/strict";
import {
  CachingAllocator,
  type DeviceMemory,
  DeviceOutOfMemoryError,
  sizeClass,
} from "./allocator.ts";

/** A bump-pointer "device" with a capacity; pointers are fake, the bookkeeping is real. */
class FakeDevice implements DeviceMemory {
  next = 0x7f00_0000_0000n;
  live = new Map<bigint, number>();
  constructor(readonly capacity = Infinity) {}
  used(): number {
    return [...this.live.values()].reduce((a, b) => a + b, 0);
  }
  malloc(bytes: number): bigint {
    if (this.used() + bytes > this.capacity) throw new Error("cudaErrorMemoryAllocation");
    const p = this.next;
    this.next += BigInt(bytes);
    this.live.set(p, bytes);
    return p;
  }
  free(ptr: bigint): void {
    assert.ok(this.live.delete(ptr), "free of a pointer the device did not give");
  }
}

Deno.test("sizeClass(): 512-byte steps up to 1 MiB, 2 MiB steps above", () => {
  assert.equal(sizeClass(0), 0);
  assert.equal(sizeClass(1), 512);
  assert.equal(sizeClass(512), 512);
  assert.equal(sizeClass(513), 1024);
  assert.equal(sizeClass(1 << 20), 1 << 20);
  assert.equal(sizeClass((1 << 20) + 1), 2 << 20);
  assert.equal(sizeClass(5 << 20), 6 << 20);
  assert.throws(() => sizeClass(-1), /invalid allocation size -1/);
});

Deno.test("a repeated step pattern allocates from the device only the first time", () => {
  const dev = new FakeDevice();
  const a = new CachingAllocator(dev);
  const step = () => {
    const blocks = [4000, 4000, 300, 3 << 20].map((n) => a.alloc(n));
    const ptrs = blocks.map((b) => b.ptr);
    blocks.forEach((b) => a.release(b));
    return ptrs;
  };
  const first = step();
  const second = step();
  assert.deepEqual(new Set(second), new Set(first)); // same blocks again
  const s = a.stats();
  assert.equal(s.mallocCalls, 4);
  assert.equal(s.reuses, 4);
  // 4096 + 4096 + 512 + 4 MiB reserved, all cached now
  const reserved = 4096 + 4096 + 512 + (4 << 20);
  assert.deepEqual(
    [s.inUseBytes, s.cachedBytes, s.reservedBytes, s.blocksInUse],
    [0, reserved, reserved, 0],
  );
  assert.equal(s.peakInUseBytes, reserved);
  assert.equal(dev.used(), reserved);
});

Deno.test("in-use and cached bytes follow alloc/release; emptyCache gives memory back", () => {
  const dev = new FakeDevice();
  const a = new CachingAllocator(dev);
  const x = a.alloc(1000), y = a.alloc(100_000);
  assert.equal(a.stats().inUseBytes, 1024 + 100_352);
  a.release(x);
  assert.deepEqual([a.stats().inUseBytes, a.stats().cachedBytes], [100_352, 1024]);
  a.emptyCache();
  assert.deepEqual([a.stats().cachedBytes, a.stats().reservedBytes, a.stats().freeCalls], [
    0,
    100_352,
    1,
  ]);
  assert.equal(dev.used(), 100_352);
  a.release(y);
  assert.throws(() => a.release(y), /released twice or unknown/);
});

Deno.test("zero-byte tensors get the null pointer and touch nothing", () => {
  const a = new CachingAllocator(new FakeDevice());
  const z = a.alloc(0);
  assert.equal(z.ptr, 0n);
  a.release(z);
  assert.equal(a.stats().mallocCalls, 0);
});

Deno.test("out of memory: the cache is emptied and the allocation retried once, then a clear error", () => {
  const dev = new FakeDevice(8 << 20);
  const a = new CachingAllocator(dev);
  const big = a.alloc(6 << 20); // 6 MiB class
  a.release(big); // cached, still reserved on the device
  const other = a.alloc(4 << 20); // does not fit next to the cached 6 MiB: empty cache, retry
  assert.equal(a.stats().freeCalls, 1);
  assert.equal(a.stats().reservedBytes, 4 << 20);
  assert.throws(
    () => a.alloc(6 << 20),
    (e: unknown) =>
      e instanceof DeviceOutOfMemoryError && /4194304 in use.*smaller batch/.test(e.message),
  );
  a.release(other);
});
