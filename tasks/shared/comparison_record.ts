/**
 * The record of a comparison as every comparison task opens it: created
 * with the task's config (`kind: "comparison"`), or, on `--resume`, the
 * stored one opened again; and the stored comparison a `--resume` id names
 * (an arm run's id leads to its comparison).
 *
 * @example
 * ```ts
 * import type { TaskContext } from "@quadranet/core";
 * import { comparisonRecord } from "./comparison_record.ts";
 * declare const ctx: TaskContext;
 * const record = await comparisonRecord(ctx, {
 *   id: "my-task-s1",
 *   task: "my-task",
 *   config: { seed: 1 },
 *   resume: false,
 * });
 * ```
 * @module
 */
import {
  ConfigError,
  runExists,
  RunRecord,
  type RunSummary,
  type TaskContext,
  type TaskResult,
  writeFileAtomic,
} from "@quadranet/core";
import type { ComparisonRow, DetectionRow } from "@quadranet/core/records";
import { join } from "node:path";

/**
 * Opens comparison `id` when `resume` and it exists, else creates it (its
 * `config.json`: `{ kind: "comparison", ...config }`).
 */
export async function comparisonRecord(
  ctx: Pick<TaskContext, "runsDir" | "backend">,
  o: { id: string; task: string; config: Record<string, unknown>; resume: boolean },
): Promise<RunRecord> {
  if (o.resume && runExists(ctx.runsDir, o.id)) return await RunRecord.open(ctx.runsDir, o.id);
  return await RunRecord.create(ctx.runsDir, o.id, { kind: "comparison", ...o.config }, {
    task: o.task,
    method: "comparison",
    backend: ctx.backend.name,
  });
}

/**
 * The comparison `--resume id` continues: `id` itself or, for one of its
 * arm runs, the comparison it belongs to; its id and stored config (without
 * `kind`). Anything else — not a comparison, or another task's — is a
 * {@link ConfigError} naming the run.
 */
export async function storedComparison(
  runsDir: string,
  id: string,
  task: string,
): Promise<{ id: string; config: Record<string, unknown> }> {
  let rec = await RunRecord.open(runsDir, id);
  let stored = await rec.config();
  if (stored.comparisonId) {
    rec = await RunRecord.open(runsDir, stored.comparisonId as string);
    stored = await rec.config();
  }
  if (stored.kind !== "comparison" || rec.summary.task !== task) {
    const { task: its, method } = rec.summary;
    throw new ConfigError(
      "resume",
      `Run "${id}" is not part of a ${task} comparison (its task is ${its}, method ${method}); ${
        its !== task && stored.kind === "comparison"
          ? `resume it with \`deno task train ${its} --resume ${id}\``
          : `give the id of a ${task} comparison (its folder in ${runsDir} holds report.md ` +
            `when complete; the id is printed when a run is interrupted)`
      }`,
    );
  }
  const { kind: _kind, ...config } = stored;
  return { id: rec.summary.runId, config };
}

/**
 * Runs `body`, the work of a comparison whose record is `record`; an error
 * marks the record `failed` with its message and is re-thrown.
 */
export async function failOnError<T>(record: RunRecord, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    await record.update({ status: "failed", error: (e as Error).message });
    throw e;
  }
}

/** Marks the comparison `interrupted` (logging `resumeCommand` when given). */
export async function interruptComparison(
  record: RunRecord,
  log?: (line: string) => void,
  resumeCommand?: string,
): Promise<TaskResult> {
  await record.update({ status: "interrupted" });
  if (log && resumeCommand) log(`interrupted; resume with: ${resumeCommand}`);
  return { status: "interrupted", recordDir: record.dir };
}

/**
 * Ends a comparison: `report.md` written atomically, the record `completed`
 * with `summary`, the `table` printed (then `note`, if any) and the report's
 * path logged.
 */
export async function completeComparison(
  log: (line: string) => void,
  record: RunRecord,
  o: { report: string; summary: Partial<RunSummary>; table: string; note?: string },
): Promise<TaskResult> {
  const report = join(record.dir, "report.md");
  await writeFileAtomic(report, o.report);
  await record.update({ ...o.summary, status: "completed" });
  console.log(`\n${o.table}\n`);
  if (o.note) console.log(o.note);
  log(`report: ${report}`);
  return { status: "completed", recordDir: record.dir };
}

/** Gives each arm run of comparison `id` its view of the comparison: its row and the whole table. */
export async function shareTable(
  runsDir: string,
  id: string,
  table: ComparisonRow[] | DetectionRow[],
): Promise<void> {
  for (const row of table) {
    if (!row.runId) continue;
    const rec = await RunRecord.open(runsDir, row.runId);
    await rec.update({ comparison: { id, row, table } });
  }
}
