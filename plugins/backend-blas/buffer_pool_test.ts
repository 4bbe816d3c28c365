import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { BufferPool, MIN_POOLED_FLOATS, outputPool } from "./buffer_pool.ts";
import { blasTest } from "./fused_testing.ts";
import { BLAS_BACKEND } from "./backend.ts";

const N = MIN_POOLED_FLOATS * 2;

Deno.test("BufferPool: a released array is reused for the same length, once", () => {
  const pool = new BufferPool(1 << 20);
  const a = pool.alloc(N);
  pool.adopt(a);
  pool.release(a);
  assert.equal(pool.stats().freeBytes, 4 * N);
  assert.equal(pool.alloc(N), a);
  assert.notEqual(pool.alloc(N), a); // handed out once
  assert.notEqual(pool.alloc(N + 1), a);
  assert.deepEqual(pool.stats(), { hits: 1, misses: 3, freeBytes: 0 });
});

Deno.test("BufferPool: escaped, viewed, twice-stored, foreign and small arrays are never reused", () => {
  const pool = new BufferPool(1 << 20);
  const escaped = pool.alloc(N);
  pool.adopt(escaped);
  pool.escape(escaped); // dataSync() handed it out
  pool.release(escaped);
  const viewed = pool.alloc(N);
  pool.adopt(viewed);
  pool.adopt(viewed.subarray(0, 10)); // a Slice-like view stored under another id
  pool.release(viewed);
  const twice = pool.alloc(N);
  pool.adopt(twice);
  pool.adopt(twice); // the same array stored under a second id
  pool.release(twice);
  const viewFirst = pool.alloc(N);
  pool.adopt(viewFirst.subarray(5)); // a view stored before the array itself
  pool.adopt(viewFirst);
  pool.release(viewFirst);
  const foreign = new Float32Array(N); // not from the pool (tf.tensor(userArray))
  pool.adopt(foreign);
  pool.release(foreign);
  const small = pool.alloc(MIN_POOLED_FLOATS - 1);
  pool.adopt(small);
  pool.release(small);
  assert.equal(pool.stats().freeBytes, 0);
  for (const a of [escaped, viewed, twice, viewFirst, foreign]) assert.notEqual(pool.alloc(N), a);
});

Deno.test("BufferPool: bounded in bytes; size 0 never reuses; recycle takes back temporaries", () => {
  const pool = new BufferPool(4 * N); // room for one array
  const [a, b] = [pool.alloc(N), pool.alloc(N)];
  for (const x of [a, b]) pool.adopt(x);
  pool.release(a);
  pool.release(b); // over the bound: left to the GC
  assert.equal(pool.stats().freeBytes, 4 * N);
  assert.equal(pool.alloc(N), a);
  const temp = pool.alloc(N);
  pool.recycle(temp);
  assert.equal(pool.alloc(N), temp);
  const off = new BufferPool(0);
  const c = off.alloc(N);
  off.adopt(c);
  off.release(c);
  assert.notEqual(off.alloc(N), c);
  // A recycled array is zeroed when asked for zeros: [1, 1, ...] → [0, 0, ...].
  const z = pool.alloc(N).fill(1);
  pool.recycle(z);
  const z2 = pool.allocZeroed(N);
  assert.equal(z2, z);
  assert.ok(z2.every((v) => v === 0));
});

blasTest(
  "blas pool: a released buffer reused by a later kernel leaves live tensors unchanged",
  async () => {
    await tf.setBackend(BLAS_BACKEND);
    const n = MIN_POOLED_FLOATS * 4;
    const x = tf.range(-n / 2, n / 2); // −2048 … 2047
    const hits0 = outputPool.stats().hits;
    // `live` stays; `reshaped` shares its data id; `read` escapes through dataSync.
    const live = tf.relu(x);
    const reshaped = tf.reshape(tf.relu(tf.neg(x)), [2, n / 2]); // relu(−x): 2048 … 1, 0 …
    const readT = tf.relu(tf.add(x, 1));
    const read = readT.dataSync();
    readT.dispose(); // its array is what `read` holds: must not be reused
    const dropped = tf.relu(tf.sub(x, 1));
    dropped.dispose(); // this one goes back to the pool…
    const later = tf.mul(x, 3); // …and a later kernel of the same length takes it
    assert.ok(outputPool.stats().hits > hits0, "the pool served an allocation");
    // relu(x)[i] = max(i − 2048, 0); relu(−x) at i = max(2048 − i, 0); x + 1 at i = i − 2047.
    const lv = live.dataSync(), rv = reshaped.dataSync(), bv = later.dataSync();
    for (const i of [0, 1, 2047, 2048, 2049, n - 1]) {
      assert.equal(lv[i], Math.max(i - 2048, 0), `live[${i}]`);
      assert.equal(rv[i], Math.max(2048 - i, 0), `reshaped[${i}]`);
      assert.equal(read[i], Math.max(i - 2047, 0), `read[${i}]`);
      assert.equal(bv[i], 3 * (i - 2048), `later[${i}]`);
    }
    tf.dispose([x, live, reshaped, later]);
    await tf.setBackend("cpu");
  },
);

blasTest("blas pool: a training-style loop reuses outputs and keeps results exact", async () => {
  await tf.setBackend(BLAS_BACKEND);
  const w = tf.variable(tf.fill([64, 64], 0.01));
  const x = tf.ones([32, 64]);
  const losses: number[] = [];
  const hits0 = outputPool.stats().hits;
  for (let i = 0; i < 4; i++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.relu(tf.matMul(x, w))), [w]);
      losses.push(value.dataSync()[0]);
      w.assign(tf.sub(w, tf.mul(grads[w.name], 1e-5)));
    });
  }
  assert.ok(outputPool.stats().hits > hits0, "steps reuse earlier steps' arrays");
  // Every w is equal: x·w = 64·w > 0, loss = 32·64·64·w = 131072·w; d loss/dw = 32
  // (Σ over the rows of x), so w_k = 0.01 − 3.2e-4·k and loss_k = 1310.72 − 41.943·k.
  losses.forEach((l, k) => {
    const expected = 131072 * (0.01 - 3.2e-4 * k);
    assert.ok(Math.abs(l - expected) < 1e-4 * expected, `loss ${k}: ${l} vs ${expected}`);
  });
  tf.dispose([w, x]);
  await tf.setBackend("cpu");
});
