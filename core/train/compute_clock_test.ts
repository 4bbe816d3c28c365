import assert from "node:assert/strict";
import { type ClockReading, ComputeClock } from "./compute_clock.ts";

function fakeClock() {
  const now: ClockReading = { wall: 100, cpu: 50 };
  return {
    now,
    read: () => ({ ...now }),
    advance: (wall: number, cpu: number) => {
      now.wall += wall;
      now.cpu += cpu;
    },
  };
}

Deno.test("ComputeClock charges nested evaluation and checkpoints apart from training", async () => {
  const f = fakeClock();
  const clock = new ComputeClock(f.read);
  await clock.time("train", async () => {
    f.advance(10, 18); // steps
    await clock.time("eval", () => f.advance(2, 3));
    f.advance(5, 9); // more steps
    clock.start("checkpoint");
    f.advance(1, 0.5);
    clock.stop();
  });
  f.advance(100, 100); // outside any segment: charged to nothing
  const t = clock.totals();
  assert.deepEqual(t.train, { wall: 15, cpu: 27 });
  assert.deepEqual(t.eval, { wall: 2, cpu: 3 });
  assert.deepEqual(t.checkpoint, { wall: 1, cpu: 0.5 });
});

Deno.test("ComputeClock adds a resumed run's base and reports open segments up to now", () => {
  const f = fakeClock();
  const clock = new ComputeClock(f.read, { train: { wall: 7, cpu: 11 } });
  clock.start("train");
  f.advance(3, 4);
  assert.deepEqual(clock.totals().train, { wall: 10, cpu: 15 });
  f.advance(1, 1);
  clock.stop();
  assert.deepEqual(clock.totals().train, { wall: 11, cpu: 16 });
  assert.throws(() => clock.stop(), /without a matching start/);
});
