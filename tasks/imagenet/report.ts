/**
 * The ImageNet comparison's report: the default task's table (reused from
 * digits-shift) plus what the data was, how it was read and, for
 * ImageNet-21K-P, the semantic top-1 of each arm.
 *
 * @example
 * ```ts
 * const md = formatImagenetReport({ id, task, backend, rows, config, data, skipped, backbone });
 * ```
 * @module
 */
import type { IssueSummary } from "@quadranet/datasets";
import { type ComparisonRow, formatTable } from "../digits-shift/report.ts";

/** A row with the 21K-P metric. */
export type ImagenetRow = ComparisonRow & { semanticTop1?: number };

/** What the report says about the data. */
export interface DataNote {
  root: string;
  layout: string;
  classes: number;
  trainImages: number;
  valImages: number;
  workers: number;
  issues: { train: IssueSummary; val: IssueSummary };
}

function issueLine(split: string, s: IssueSummary): string {
  const fmt = (r: Record<string, number>) =>
    Object.entries(r).map(([k, v]) => `${v} ${k}`).join(", ") || "none";
  return `- ${split}: ${s.files} files with issues; skipped: ${fmt(s.skipped)}; converted: ${
    fmt(s.converted)
  }`;
}

/** The report.md text. */
export function formatImagenetReport(o: {
  id: string;
  task: string;
  backend: string;
  rows: ImagenetRow[];
  config: Record<string, unknown>;
  data: DataNote;
  skipped: { method: string; reason: string }[];
  weights: string;
}): string {
  const c = o.config;
  const semantic = o.rows.some((r) => r.semanticTop1 !== undefined);
  return [
    `# ${o.task} comparison ${o.id}`,
    "",
    `Data: ${o.data.root} (${o.data.layout}), ${o.data.classes} classes, ${o.data.trainImages} ` +
    `training images${c.perClass ? ` (${c.perClass} per class)` : ""}, ${o.data.valImages} ` +
    `validation images${c.valPerClass ? ` (${c.valPerClass} per class)` : ""}. Backbone ` +
    `**${c.backbone}** at ${c.imageSize ?? "its"} px, weights: ${o.weights}. Backend: ` +
    `**${o.backend}**. Seed ${c.seed}; ${c.epochs} epochs per adapted arm, batch ${c.batchSize}, ` +
    `${o.data.workers} decode workers.`,
    "",
    formatTable(o.rows),
    "",
    ...(semantic
      ? [
        "Semantic top-1 (mean over hierarchy levels of the per-level softmax top-1):",
        "",
        "| method | semantic top-1 |",
        "| --- | ---: |",
        ...o.rows.map((r) => `| ${r.method} | ${(100 * (r.semanticTop1 ?? 0)).toFixed(2)}% |`),
        "",
      ]
      : []),
    ...(o.skipped.length
      ? ["Not run:", ...o.skipped.map((s) => `- ${s.method}: ${s.reason}`), ""]
      : []),
    "Files the decoder converted or skipped (one log line each during the run):",
    issueLine("train", o.data.issues.train),
    issueLine("val", o.data.issues.val),
    "",
    "Compute is process CPU seconds of each run (all cores, decode workers included).",
    "",
  ].join("\n");
}
