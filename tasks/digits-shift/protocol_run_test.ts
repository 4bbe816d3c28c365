import assert from "node:assert/strict";
import type { RunSummary } from "@quadranet/core";
import { armResult, onlySeeds, seedList } from "./protocol_run.ts";

Deno.test("seedList and --only-seeds: the replicate seeds, a part of them, or a clear error", () => {
  assert.deepEqual(seedList({ seed: 4, seeds: 3 }), [4, 5, 6]);
  assert.equal(onlySeeds({ seed: 4, seeds: 3 }), null);
  assert.deepEqual(onlySeeds({ seed: 4, seeds: 3, onlySeeds: ["6", "4"] }), [6, 4]);
  assert.throws(
    () => onlySeeds({ seed: 4, seeds: 3, onlySeeds: ["7"] }),
    /--only-seeds 7 is not a replicate seed of this comparison \(4, 5, 6\)/,
  );
});

Deno.test("armResult: top-1 in percent and CPU seconds, '?' where missing", () => {
  const s = { final: { top1: 0.98765 }, compute: { cpuSeconds: 12.345 } } as unknown as RunSummary;
  assert.equal(armResult("lora s1", s), "lora s1 done: top-1 98.77%, 12.3 CPU s");
  assert.equal(armResult("x", {} as RunSummary), "x done: top-1 ?%, ? CPU s");
});
