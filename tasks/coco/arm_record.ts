/**
 * An arm's run record in a detection comparison: created for an arm that has not run, or, on
 * `--resume`, opened again: a completed arm is kept as it is (its table row read from its summary),
 * an unfinished one continues from its latest checkpoint (metrics logged after it dropped).
 *
 * @example
 * ```ts
 * import { openArm } from "./arm_record.ts";
 * const arm = await openArm("runs", "cmp-lora", true);
 * if (arm.kind === "unfinished") console.log(arm.resumeFrom?.path ?? "no checkpoint yet");
 * ```
 * @module
 */
import {
  type CheckpointData,
  findLatestCheckpoint,
  loadCheckpoint,
  runExists,
  RunRecord,
  type RunSummary,
} from "@quadranet/core";
import type { DetectionRow } from "./report.ts";

/** A table row (without the relative compute) from an arm's summary. */
export function rowOf(
  method: string,
  runId: string,
  s: RunSummary,
  trainableParams = s.params?.trainable ?? 0,
): Omit<DetectionRow, "relativeCompute"> {
  const f = s.final ?? {};
  const c = s.compute;
  return {
    method,
    runId,
    AP: f.AP ?? -1,
    AP50: f.AP50 ?? -1,
    AP75: f.AP75 ?? -1,
    APs: f.APs ?? -1,
    APm: f.APm ?? -1,
    APl: f.APl ?? -1,
    AR100: f.AR100 ?? -1,
    trainableParams,
    computeSeconds: c?.cpuSeconds ?? 0,
    wallSeconds: c?.wallSeconds ?? 0,
    trainingFlops: c?.trainingFlops ?? 0,
  };
}

/** What a resumed comparison finds of arm run `runId`. */
export type ArmState =
  | { kind: "new" }
  | { kind: "completed"; record: RunRecord }
  | {
    kind: "unfinished";
    record: RunRecord;
    /** Its latest checkpoint (none: the arm starts over). */
    resumeFrom?: { checkpoint: CheckpointData; path: string };
    /** Said when the checkpoint is not the one `latest.json` names. */
    note?: string;
  };

/**
 * Arm run `runId` as a resumed comparison finds it (`resume` false: always `new`). An unfinished
 * one is marked running again, its metrics cut back to its checkpoint's step.
 */
export async function openArm(runsDir: string, runId: string, resume: boolean): Promise<ArmState> {
  if (!resume || !runExists(runsDir, runId)) return { kind: "new" };
  const record = await RunRecord.open(runsDir, runId);
  if (record.summary.status === "completed") return { kind: "completed", record };
  const found = await findLatestCheckpoint(record.checkpoints);
  const resumeFrom = found
    ? { checkpoint: await loadCheckpoint(found.path), path: found.path }
    : undefined;
  await record.truncate(resumeFrom?.checkpoint.state.step ?? 0);
  await record.update({ status: "running", error: undefined });
  return { kind: "unfinished", record, resumeFrom, note: found?.note };
}
