/**
 * The detection comparison table (AP, AP50, AP75, APs/m/l per arm, trainable parameters, compute
 * and compute relative to full fine-tuning) as text and as `report.md`.
 * @module
 */
import type { DetectionRow as RecordDetectionRow } from "@quadranet/core/records";
import { armLr, type ArmName } from "./settings.ts";

/** One row of the comparison: the record schema's detection row, with its run and AR100 always set. */
export interface DetectionRow extends RecordDetectionRow {
  runId: string;
  AR100: number;
}

/** Fills `relativeCompute` against the `full` arm. */
export function withRelative(rows: Omit<DetectionRow, "relativeCompute">[]): DetectionRow[] {
  const full = rows.find((r) => r.method === "full")?.computeSeconds;
  return rows.map((r) => ({ ...r, relativeCompute: full ? r.computeSeconds / full : null }));
}

/** An AP as pycocotools prints it ×100 with one decimal; "–" for -1 (no ground truth in range). */
export function fmtAp(v: number): string {
  return v < 0 ? "–" : (100 * v).toFixed(1);
}

function fmtParams(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** A Markdown table of the rows. */
export function formatTable(rows: readonly DetectionRow[]): string {
  const head =
    "| method | AP | AP50 | AP75 | APs | APm | APl | trainable params | compute (CPU s) | vs full |";
  const sep = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  const body = rows.map((r) =>
    `| ${r.method} | ${fmtAp(r.AP)} | ${fmtAp(r.AP50)} | ${fmtAp(r.AP75)} | ${fmtAp(r.APs)} | ${
      fmtAp(r.APm)
    } | ${fmtAp(r.APl)} | ` +
    `${fmtParams(r.trainableParams)} | ${r.computeSeconds.toFixed(1)} | ` +
    `${r.relativeCompute === null ? "–" : `${r.relativeCompute.toFixed(2)}x`} |`
  );
  return [head, sep, ...body].join("\n");
}

/** The comparison's `report.md`. */
export function formatReport(o: {
  id: string;
  dataset: string;
  head: string;
  backbone: string;
  backend: string;
  rows: DetectionRow[];
  pretrain?: { runId: string; computeSeconds: number; cleanTop1: number };
  images: { train: number; val: number };
  config: Record<string, unknown>;
  /** Each arm's learning rate as it trained (default: {@link armLr} of `config`). */
  lrs?: Record<string, number>;
}): string {
  return [
    `# Detection comparison ${o.id}`,
    "",
    `Dataset ${o.dataset} (${o.images.train} train, ${o.images.val} val images), backbone ${o.backbone}, ` +
    `head ${o.head}, backend ${o.backend}, input ${o.config.inputSize}², ${o.config.epochs} epochs per arm, ` +
    `learning rate ${
      o.rows.map((r) => `${r.method} ${o.lrs?.[r.method] ?? armLr(o.config, r.method as ArmName)}`)
        .join(", ")
    }.`,
    "",
    "Box AP as pycocotools' COCOeval computes it (×100; – where no ground truth falls in the area range). " +
    "Arms: frozen = backbone frozen, head trained; full = everything trained; lora = LoRA on the backbone's " +
    "convs + norms + head; quadratic = the quadratic adapter (ours) + norms + head. Compute is training only " +
    "(process CPU seconds, evaluation and checkpoint writes excluded).",
    "",
    formatTable(o.rows),
    "",
    o.pretrain
      ? `Backbone pre-training (sunk cost, run ${o.pretrain.runId}): MNIST digit classification, ` +
        `${o.pretrain.computeSeconds.toFixed(1)} CPU s, ${
          (100 * o.pretrain.cleanTop1).toFixed(2)
        }% top-1 on held-out digits.`
      : `Backbone weights: ${o.config.weights}.`,
    "",
    "Each arm's folder holds `results.json` (COCO results format) and `preview.svg` (ground truth and predictions).",
    "",
  ].join("\n");
}
