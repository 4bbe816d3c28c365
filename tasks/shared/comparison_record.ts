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
import { ConfigError, runExists, RunRecord, type TaskContext } from "@quadranet/core";

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
    throw new ConfigError("resume", `Run "${id}" is not part of a ${task} comparison`);
  }
  const { kind: _kind, ...config } = stored;
  return { id: rec.summary.runId, config };
}
