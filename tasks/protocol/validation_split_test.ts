import assert from "node:assert/strict";
import { carveValidation } from "./validation_split.ts";

Deno.test("carveValidation() splits the training side into disjoint, complete parts", () => {
  const train = Int32Array.from({ length: 50 }, (_, i) => 100 + 2 * i);
  const { train: t, validation: v } = carveValidation(train, 12, 3);
  assert.equal(t.length, 38);
  assert.equal(v.length, 12);
  const all = [...t, ...v].sort((a, b) => a - b);
  assert.deepEqual(all, [...train]); // nothing lost, nothing duplicated
  // both keep the input order
  assert.ok(t.every((x, i) => i === 0 || t[i - 1] < x));
  assert.ok(v.every((x, i) => i === 0 || v[i - 1] < x));
});

Deno.test("carveValidation() is deterministic in its seed", () => {
  const train = Int32Array.from({ length: 40 }, (_, i) => i);
  assert.deepEqual(
    carveValidation(train, 10, 7).validation,
    carveValidation(train, 10, 7).validation,
  );
  assert.notDeepEqual(
    [...carveValidation(train, 10, 7).validation],
    [...carveValidation(train, 10, 8).validation],
  );
});

Deno.test("carveValidation() rejects sizes that leave no training or no validation data", () => {
  const train = Int32Array.from([1, 2, 3]);
  assert.throws(() => carveValidation(train, 0, 1), /validationSize must be an integer in 1\.\.2/);
  assert.throws(() => carveValidation(train, 3, 1), /has 3 examples/);
  assert.throws(() => carveValidation(train, 1.5, 1), /got 1\.5/);
});
