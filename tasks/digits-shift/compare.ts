/**
 * The digits-shift comparison end to end under the protocol: data and
 * shift, the cached pre-trained network, every arm at every seed as its own
 * recorded run (resumable), then the summary over seeds (mean ± std, paired
 * difference to the quadratic arm, compute and savings at equal accuracy)
 * in the comparison's `summary.json` and `runs/<comparison-id>/report.md`
 * (the driver: `protocol_run.ts`).
 *
 * @example
 * ```ts
 * import { seedList } from "./compare.ts";
 * seedList({ seed: 1, seeds: 3 }); // [1, 2, 3]
 * ```
 * @module
 */
import { ConfigError, lookup, type TaskContext, type TaskResult } from "@quadranet/core";
import { parseTarget } from "../protocol/equal_accuracy.ts";
import { prepareDigits } from "./digits_data.ts";
import { armLr } from "./lrs.ts";
import { ARMS, type ArmSettings } from "./methods.ts";
import { architecture } from "./model.ts";
import { checkTargetNames } from "../cli/targets_check.ts";
import { shiftPretrained } from "./pretrain.ts";
import { runProtocolComparison } from "./protocol_run.ts";
import { loopSettings } from "./settings.ts";

export { armResult, onlySeeds, type ProtocolPlan, runArms, seedList } from "./protocol_run.ts";

/** Arm settings from the resolved config. */
export function armSettings(c: Record<string, unknown>): ArmSettings {
  lookup("kernel", c.kernel as string); // unknown names fail here, listing the registered ones
  lookup("backprop", c.backprop as string);
  const arch = architecture(c.backbone as string, c.width as number);
  const targets = c.targets as string[] | undefined;
  if (targets) { // a typo fails now, not after pre-training
    const probe = arch.build(c.seed as number);
    try {
      checkTargetNames(probe, targets);
    } finally {
      probe.dispose();
    }
  }
  return {
    seed: c.seed as number,
    arch,
    epochs: c.epochs as number,
    scratchEpochs: c.scratchEpochs as number,
    rank: c.rank as number,
    alpha: c.alpha as number | undefined,
    kernel: c.kernel as string,
    backprop: c.backprop as string,
    targets: (c.targets as string[] | undefined) ?? null,
  };
}

/**
 * Runs (or resumes) comparison `id` with resolved `config`; one process at
 * a time writes the comparison (a second one, e.g. `--resume` of a
 * comparison still running, is refused naming the running process).
 * `--only-seeds` parts take no comparison lock: each arm run is locked on
 * its own, so parts run side by side.
 */
export async function runComparison(
  ctx: TaskContext,
  config: Record<string, unknown>,
  id: string,
  resume: boolean,
): Promise<TaskResult> {
  const arms = ARMS.filter((a) => (config.methods as string[]).includes(a.name));
  if (arms.length === 0) throw new ConfigError("methods", "methods selects no arm");
  const target = parseTarget(config.target as string | undefined, "quadratic-scratch");
  const settings = armSettings(config);
  // Everything that can be checked from the config is checked before any record exists.
  const data = prepareDigits(config, settings.arch.size);
  try {
    return await runProtocolComparison(ctx, {
      id,
      task: "digits-shift",
      resume,
      arms,
      target,
      pairedWith: "quadratic",
      settings,
      loop: loopSettings(config),
      base: () => shiftPretrained(ctx, config, settings, data.pre),
      head: settings.arch.head,
      data: data.target,
      config,
      lrOf: (arm) => (config.lr as number | undefined) ?? armLr(arm.name),
      summaryExtra: { shift: config.shift as string },
      recordExtra: { shift: config.shift as string },
      setting: () =>
        `Shift: **${config.shift}**. Backend: **${ctx.backend.name}**. Split (seed ` +
        `${config.seed}, disjoint): ${config.pretrainSize} clean digits for pre-training, ` +
        `${config.trainSize} shifted for adaptation, ${config.validationSize} shifted for ` +
        `validation (carved from the adaptation side), ${config.testSize} shifted for test ` +
        `(read once, at the end).`,
      resumeCommand: `deno task train --resume ${id}`,
    });
  } finally {
    data.dispose();
  }
}
