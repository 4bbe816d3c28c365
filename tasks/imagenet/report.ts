/**
 * The ImageNet comparison's table and report: accuracy, trainable
 * parameters and compute of each arm with the compute relative to the
 * quadratic network from scratch (when it ran), what the data was and how it
 * was read and, for ImageNet-21K-P, the semantic top-1 of each arm.
 *
 * @example
 * ```ts
 * import { type DataNote, formatImagenetReport, type ImagenetRow } from "./report.ts";
 * declare const rows: ImagenetRow[], data: DataNote, config: Record<string, unknown>;
 * const md = formatImagenetReport({
 *   id: "imagenet-1k-s1", task: "imagenet-1k", backend: "blas", rows, config, data,
 *   skipped: [], weights: "resnet18.safetensors",
 * });
 * ```
 * @module
 */
import type { ComparisonRow } from "@quadranet/core";
import type { IssueSummary } from "@quadranet/datasets";

/** One arm's row (the shape of the default task's rows, which the site reads). */
export interface ImagenetRow extends ComparisonRow {
  /** ImageNet-21K-P only. */
  semanticTop1?: number;
}

/** Adds compute relative to quadratic-scratch to each row. */
export { withSavings } from "@quadranet/core";

function fmtParams(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** The markdown table. */
export function formatTable(rows: ImagenetRow[]): string {
  const semantic = rows.some((r) => r.semanticTop1 !== undefined);
  const head = `| method | top-1 |${semantic ? " semantic top-1 |" : ""} trainable params | ` +
    "compute (CPU s) | vs quadratic-scratch | savings |";
  const sep = `| --- | ---: |${semantic ? " ---: |" : ""} ---: | ---: | ---: | ---: |`;
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const body = rows.map((r) =>
    `| ${r.method} | ${pct(r.top1)} |${semantic ? ` ${pct(r.semanticTop1 ?? 0)} |` : ""} ` +
    `${fmtParams(r.trainableParams)} | ${r.computeSeconds.toFixed(1)} | ` +
    `${r.relativeCompute === null ? "–" : `${r.relativeCompute.toFixed(2)}x`} | ` +
    `${r.savingsPercent === null ? "–" : `${r.savingsPercent.toFixed(1)}%`} |`
  );
  return [head, sep, ...body].join("\n");
}

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
    `**${c.backbone}** at ${c.imageSize} px, weights: ${o.weights}. Backend: ` +
    `**${o.backend}**. Seed ${c.seed}; ${c.epochs} epochs per adapted arm, batch ${c.batchSize}, ` +
    `${o.data.workers} decode workers.`,
    "",
    formatTable(o.rows),
    "",
    ...(semantic
      ? [
        "Semantic top-1: the mean over hierarchy levels of the top-1 within each level's softmax.",
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
