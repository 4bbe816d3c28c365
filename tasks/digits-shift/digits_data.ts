/**
 * The digits a comparison runs on, as tensors: clean pre-training digits
 * (with the clean validation digits for its checks) and the shifted
 * training, validation and test sets. The shift of each set uses its own
 * seed, so no two sets share noise.
 *
 * @example
 * ```ts
 * import { prepareDigits } from "./digits_data.ts";
 * const data = prepareDigits({
 *   seed: 1,
 *   pretrainSize: 100,
 *   trainSize: 100,
 *   validationSize: 50,
 *   testSize: 50,
 *   shift: "gamma",
 * }, 28);
 * data.target.validation.y.length; // 50
 * data.dispose();
 * ```
 * @module
 */
import { type Dataset, tf } from "@quadranet/core";
import { type Digits, gatherDigits, loadDigits, splitDigits } from "./data.ts";
import { applyShift } from "./shifts.ts";

/** Images as `[N, size, size, 1]` (zero border when `size` > 28, as in LeNet's input). */
export function toDataset(d: Digits, size: number, images = d.images): Dataset {
  const x = tf.tidy(() => {
    const t = tf.tensor4d(images, [d.labels.length, 28, 28, 1]);
    const p = (size - 28) / 2;
    return p > 0 ? tf.pad(t, [[0, 0], [p, p], [p, p], [0, 0]]) : t;
  });
  return { x, y: d.labels };
}

/** The comparison's data. */
export interface PreparedDigits {
  pre: { train: Dataset; eval: Dataset };
  target: { train: Dataset; validation: Dataset; test: Dataset };
  dispose(): void;
}

/** Splits, shifts (`config.shift`; `"none"` leaves the digits clean) and converts. */
export function prepareDigits(config: Record<string, unknown>, size: number): PreparedDigits {
  const digits = loadDigits();
  const seed = config.seed as number;
  const split = splitDigits(digits.labels.length, {
    pretrain: config.pretrainSize as number,
    train: config.trainSize as number,
    validation: config.validationSize as number,
    test: config.testSize as number,
  }, seed);
  const shift = config.shift as string;
  const part = (idx: Int32Array, shiftSeed: number | null) => {
    const d = gatherDigits(digits, idx);
    return toDataset(
      d,
      size,
      shiftSeed === null || shift === "none" ? d.images : applyShift(shift, d.images, shiftSeed),
    );
  };
  const out = {
    pre: { train: part(split.pretrain, null), eval: part(split.validation, null) },
    target: {
      train: part(split.train, seed),
      validation: part(split.validation, seed + 2),
      test: part(split.test, seed + 1),
    },
  };
  return {
    ...out,
    dispose: () =>
      tf.dispose([
        out.pre.train.x,
        out.pre.eval.x,
        out.target.train.x,
        out.target.validation.x,
        out.target.test.x,
      ]),
  };
}
