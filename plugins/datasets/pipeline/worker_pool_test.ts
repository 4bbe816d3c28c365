import assert from "node:assert/strict";
import { ownBuffer, WorkerPool } from "./worker_pool.ts";

interface Job {
  id: number;
  n: number;
  delayMs?: number;
}
interface Reply {
  id: number;
  twice?: number;
  error?: string;
}

const pool = (workers: number, slotsPerWorker = 1) =>
  new WorkerPool<Job, Reply, number>({
    name: "DoublePool",
    worker: new URL("./testdata/double_worker.ts", import.meta.url),
    workers,
    slotsPerWorker,
    runHere: (j) => Promise.resolve(-j.n), // distinguishable from the worker's 2n
    settle: (m) => {
      if (m.error) throw new Error(m.error);
      return m.twice!;
    },
  });

Deno.test("WorkerPool: each job settles with its own worker answer, in any completion order", async () => {
  const p = pool(2, 2);
  try {
    // later jobs finish first (shorter delays), yet each promise gets 2n of its own n
    const ns = [1, 2, 3, 4, 5, 6, 7];
    const out = await Promise.all(ns.map((n) => p.run({ n, delayMs: (8 - n) * 5 })));
    assert.deepEqual(out, [2, 4, 6, 8, 10, 12, 14]);
  } finally {
    p.close();
  }
});

Deno.test("WorkerPool: a failing job rejects with the worker's message; the pool goes on", async () => {
  const p = pool(1);
  try {
    await assert.rejects(p.run({ n: -3 }), /negative n: -3/);
    assert.equal(await p.run({ n: 4 }), 8);
  } finally {
    p.close();
  }
});

Deno.test("WorkerPool: 0 workers runs here; a closed pool names itself", async () => {
  const p = pool(0);
  assert.equal(await p.run({ n: 5 }), -5);
  p.close();
  await assert.rejects(p.run({ n: 1 }), /DoublePool is closed/);
  const q = pool(1);
  const pending = q.run({ n: 1, delayMs: 200 });
  q.close();
  await assert.rejects(pending, /DoublePool closed/);
});

Deno.test("ownBuffer: a whole-buffer view stays, a view on a larger buffer is copied", () => {
  const whole = new Uint8Array([1, 2, 3]);
  assert.equal(ownBuffer(whole), whole);
  const part = new Uint8Array(new Uint8Array([9, 1, 2, 9]).buffer, 1, 2);
  const own = ownBuffer(part);
  assert.notEqual(own.buffer, part.buffer);
  assert.deepEqual([...own], [1, 2]);
  assert.equal(own.buffer.byteLength, 2);
});
