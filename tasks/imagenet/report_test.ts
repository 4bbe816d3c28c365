import assert from "node:assert/strict";
import { formatTable, withSavings } from "./report.ts";

const row = (method: string, top1: number, cpu: number, semanticTop1?: number) => ({
  method,
  top1,
  top5: 1,
  trainableParams: 1500,
  computeSeconds: cpu,
  wallSeconds: cpu,
  trainingFlops: 0,
  ...(semanticTop1 === undefined ? {} : { semanticTop1 }),
});

Deno.test("withSavings: compute relative to quadratic-scratch, savings in percent", () => {
  const t = withSavings([row("quadratic", 0.5, 30), row("quadratic-scratch", 0.6, 120)]);
  assert.equal(t[0].relativeCompute, 0.25);
  assert.equal(t[0].savingsPercent, 75);
  assert.equal(t[1].savingsPercent, 0);
  assert.equal(withSavings([row("quadratic", 0.5, 30)])[0].relativeCompute, null);
});

Deno.test("formatTable: a semantic top-1 column only when rows carry it", () => {
  const plain = formatTable(withSavings([row("lora", 0.125, 2)]));
  assert.equal(plain.split("\n")[2], "| lora | 12.50% | 1.5k | 2.0 | – | – |");
  const sem = formatTable(withSavings([row("lora", 0.125, 2, 0.28125)]));
  assert.equal(sem.split("\n")[2], "| lora | 12.50% | 28.13% | 1.5k | 2.0 | – | – |");
});
