/**
 * Reads run records (ARCHITECTURE.md §2) from a `runs/` folder for the site:
 * every run with its summary, config and metrics, a broken record reported
 * as broken (with why) instead of breaking the page.
 *
 * @example
 * ```ts
 * const runs = await readRuns("runs");
 * const ok = runs.filter((r) => !r.error);
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** One run as the site sees it. */
export interface RunView {
  id: string;
  /** Set when summary.json is missing, unreadable or malformed. */
  error?: string;
  summary: Record<string, unknown> & {
    task?: string;
    method?: string;
    backend?: string;
    status?: string;
    final?: Record<string, number>;
    best?: Record<string, number>;
    params?: { trainable: number; total: number };
    compute?: { wallSeconds: number; cpuSeconds: number; trainingFlops: number };
    updatedAt?: string;
    comparisonId?: string;
  };
  config?: Record<string, unknown>;
  /** Parsed metrics lines; `badLines` counts the ones that did not parse. */
  metrics: Record<string, unknown>[];
  badLines: number;
  /** Whether this is a comparison record (has rows). */
  isComparison: boolean;
  report?: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Whether `id` is a safe run id (no path separators, no dot-dot). */
export function isRunId(id: string): boolean {
  return ID.test(id) && !id.includes("..");
}

async function readJson(path: string): Promise<{ value?: unknown; error?: string }> {
  try {
    const text = await Deno.readTextFile(path);
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: e instanceof SyntaxError ? `malformed JSON (${e.message})` : "unreadable" };
  }
}

/** Reads one run folder. */
export async function readRun(runsDir: string, id: string): Promise<RunView | undefined> {
  if (!isRunId(id)) return undefined;
  const dir = join(runsDir, id);
  if (!existsSync(dir) || !Deno.statSync(dir).isDirectory) return undefined;
  const view: RunView = { id, summary: {}, metrics: [], badLines: 0, isComparison: false };
  const summaryPath = join(dir, "summary.json");
  if (!existsSync(summaryPath)) {
    view.error = "no summary.json (the run may be starting, or this is not a run folder)";
  } else {
    const s = await readJson(summaryPath);
    if (s.error) view.error = `summary.json is ${s.error}`;
    else if (typeof s.value !== "object" || s.value === null || Array.isArray(s.value)) {
      view.error = "summary.json is not an object";
    } else view.summary = s.value as RunView["summary"];
  }
  const c = await readJson(join(dir, "config.json"));
  if (c.value && typeof c.value === "object") view.config = c.value as Record<string, unknown>;
  try {
    const lines = (await Deno.readTextFile(join(dir, "metrics.jsonl"))).split("\n");
    for (const l of lines) {
      if (!l.trim()) continue;
      try {
        view.metrics.push(JSON.parse(l));
      } catch {
        view.badLines++;
      }
    }
  } catch { /* no metrics yet */ }
  view.isComparison = Array.isArray(view.summary.rows);
  try {
    view.report = await Deno.readTextFile(join(dir, "report.md"));
  } catch { /* no report */ }
  return view;
}

/** Every run folder under `runsDir`, newest first. */
export async function readRuns(runsDir: string): Promise<RunView[]> {
  if (!existsSync(runsDir)) return [];
  const ids = [...Deno.readDirSync(runsDir)]
    .filter((e) => e.isDirectory && isRunId(e.name))
    .map((e) => e.name);
  const runs = (await Promise.all(ids.map((id) => readRun(runsDir, id)))).filter((
    r,
  ): r is RunView => r !== undefined);
  return runs.sort((a, b) =>
    String(b.summary.updatedAt ?? "").localeCompare(String(a.summary.updatedAt ?? "")) ||
    a.id.localeCompare(b.id)
  );
}

/** The comparison row type written by tasks (see tasks/digits-shift/report.ts). */
export interface ComparisonRow {
  method: string;
  runId?: string;
  top1: number;
  trainableParams: number;
  computeSeconds: number;
  relativeCompute: number | null;
  savingsPercent: number | null;
}

/** The latest completed comparison per task. */
export function latestComparisons(runs: RunView[]): RunView[] {
  const byTask = new Map<string, RunView>();
  for (const r of runs) {
    if (!r.isComparison || r.error) continue;
    const task = r.summary.task ?? "?";
    if (!byTask.has(task)) byTask.set(task, r); // runs are newest first
  }
  return [...byTask.values()];
}
