/**
 * A validation split carved from the training side of a split, so that
 * every choice (learning rate, stopping point, target) is made on data the
 * test set never sees. The test set is read once, at the end.
 *
 * @example
 * ```ts
 * import { carveValidation } from "./validation_split.ts";
 * const { train, validation } = carveValidation(Int32Array.from([5, 6, 7, 8, 9]), 2, 1);
 * train.length + validation.length; // 5, disjoint
 * ```
 * @module
 */
import { ConfigError, Rng } from "@quadranet/core";

/** Training indices split into what trains and what validates. */
export interface CarvedSplit {
  train: Int32Array;
  validation: Int32Array;
}

/**
 * Moves `count` of the `train` indices (chosen by a seeded permutation) into
 * a validation set; both keep the input's order. Deterministic in `seed`.
 */
export function carveValidation(train: Int32Array, count: number, seed: number): CarvedSplit {
  if (!(Number.isInteger(count) && count >= 1 && count < train.length)) {
    throw new ConfigError(
      "validationSize",
      `validationSize must be an integer in 1..${
        train.length - 1
      } (the training side has ${train.length} examples), got ${count}`,
    );
  }
  const chosen = new Uint8Array(train.length);
  const order = new Rng(seed * 4099 + 29).permutation(train.length);
  for (let i = 0; i < count; i++) chosen[order[i]] = 1;
  const out: CarvedSplit = {
    train: new Int32Array(train.length - count),
    validation: new Int32Array(count),
  };
  let t = 0, v = 0;
  train.forEach((idx, i) => {
    if (chosen[i]) out.validation[v++] = idx;
    else out.train[t++] = idx;
  });
  return out;
}
