/**
 * Choosing each arm's learning rate from a grid on the validation split:
 * the rate with the highest final validation top-1 (ties go to the smaller
 * rate), and the search as a table with its cost.
 *
 * @example
 * ```ts
 * import { chooseRates } from "./lr_choice.ts";
 * chooseRates([{ arm: "quadratic", lr: 1e-2, validationTop1: 0.9, flops: 1e9, cpuSeconds: 3 }]);
 * // { quadratic: 0.01 }
 * ```
 * @module
 */
import { formatFlops } from "./comparison_table.ts";

/** One grid point of one arm. */
export interface GridPoint {
  arm: string;
  lr: number;
  validationTop1: number;
  flops: number;
  cpuSeconds: number;
}

/** The chosen rate per arm. */
export function chooseRates(points: readonly GridPoint[]): Record<string, number> {
  const best = new Map<string, GridPoint>();
  for (const p of [...points].sort((a, b) => a.lr - b.lr)) {
    const b = best.get(p.arm);
    if (!b || p.validationTop1 > b.validationTop1 + 1e-12) best.set(p.arm, p);
  }
  return Object.fromEntries([...best].map(([arm, p]) => [arm, p.lr]));
}

/** The search as Markdown: validation top-1 per arm and rate (chosen in bold) and its cost. */
export function formatSearch(points: readonly GridPoint[]): string {
  const chosen = chooseRates(points);
  const lrs = [...new Set(points.map((p) => p.lr))].sort((a, b) => a - b);
  const arms = [...new Set(points.map((p) => p.arm))];
  const cell = (arm: string, lr: number) => {
    const p = points.find((q) => q.arm === arm && q.lr === lr);
    if (!p) return "–";
    const v = `${(100 * p.validationTop1).toFixed(2)}`;
    return chosen[arm] === lr ? `**${v}**` : v;
  };
  const flops = points.reduce((a, p) => a + p.flops, 0);
  const secs = points.reduce((a, p) => a + p.cpuSeconds, 0);
  return [
    `| arm | ${lrs.map((l) => `lr ${l}`).join(" | ")} | chosen |`,
    `| --- | ${lrs.map(() => "---:").join(" | ")} | ---: |`,
    ...arms.map((a) => `| ${a} | ${lrs.map((l) => cell(a, l)).join(" | ")} | ${chosen[a]} |`),
    "",
    `Validation top-1 (%) after the full budget, one seed. Cost of the search: ` +
    `${formatFlops(flops)} of training, ${secs.toFixed(0)} CPU s (training steps only), ` +
    `${points.length} runs.`,
  ].join("\n");
}
