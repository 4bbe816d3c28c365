import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { RunFolder } from "@quadranet/core/records";
import { ComparisonView } from "./comparison_table.tsx";

/** A comparison record as readRunFolder gives it; `rows` as tasks/imagenet writes them. */
function comparison(rows: Record<string, unknown>[]): RunFolder {
  return {
    id: "in21k-a",
    summary: { runId: "in21k-a", task: "imagenet-21k-p", status: "completed", rows } as never,
    problems: [],
    rows: rows as never,
    metrics: [],
    badLines: 0,
    isComparison: true,
  };
}

const row = (method: string, top1: number, semanticTop1?: number) => ({
  method,
  runId: `in21k-a-${method}`,
  top1,
  top5: 0.9,
  ...(semanticTop1 === undefined ? {} : { semanticTop1 }),
  trainableParams: 1000,
  computeSeconds: 10,
  wallSeconds: 11,
  trainingFlops: 1e9,
  relativeCompute: null,
  savingsPercent: null,
});

Deno.test("a 21K-P comparison's table shows the semantic top-1 column next to top-1", () => {
  const html = renderToString(
    <ComparisonView
      run={comparison([row("lora", 0.4, 0.5625), row("quadratic", 0.45, 0.625)])}
      base="./"
    />,
  );
  assert.match(html, /semantic top-1/);
  assert.match(html, /56\.25%/); // lora's semanticTop1 0.5625
  assert.match(html, /62\.50%/); // quadratic's 0.625
  // Classification without it (ImageNet-1K, digits-shift) keeps the plain table.
  const plain = renderToString(
    <ComparisonView run={comparison([row("lora", 0.4), row("quadratic", 0.45)])} base="./" />,
  );
  assert.doesNotMatch(plain, /semantic top-1/);
  assert.match(plain, /45\.00%/);
});
