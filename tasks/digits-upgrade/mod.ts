/**
 * Task `digits-upgrade`, the paper's setting in kind: a first-order CNN
 * trained well on clean digits (its own versioned config, cached, independent
 * of the arms' flags) is upgraded to quadratic for a few epochs on the same
 * data, against the quadratic network trained from scratch for
 * `--scratch-epochs` epochs and a control that keeps training the
 * first-order network for the upgrade's compute. Same protocol as
 * digits-shift: validation split, seeds, savings at equal accuracy.
 *
 * @example
 * ```sh
 * deno task train --task digits-upgrade            # default sizes
 * deno task train --task digits-upgrade --full     # the full protocol
 * deno task train --task digits-upgrade --quick    # seconds
 * ```
 * @module
 */
import {
  register,
  RunRecord,
  runStamp,
  type TaskContext,
  type TaskDefinition,
  type TaskOption,
  type TaskResult,
} from "@quadranet/core";
import { parseTarget } from "../protocol/equal_accuracy.ts";
import { armSettings } from "../digits-shift/compare.ts";
import { runProtocolComparison } from "../digits-shift/protocol_run.ts";
import { prepareDigits } from "../digits-shift/digits_data.ts";
import { armLr } from "../digits-shift/lrs.ts";
import { DIGITS_SHIFT_OPTIONS } from "../digits-shift/mod.ts";
import { pretrained } from "../digits-shift/pretrain.ts";
import { loopSettings } from "../digits-shift/settings.ts";
import { methodsOption, runIdOption } from "../shared/options.ts";
import { sizeOption, type Sizes, withSizes } from "../shared/sizes.ts";
import { LR_FROM, upgradeArms } from "./arms.ts";
import { baseEpochs, UPGRADE_BASE } from "./base.ts";

/**
 * Sizes: default, `--full` (5 seeds, longer upgrade and scratch: ~500 CPU s
 * of training steps; README "Results"), `--quick`. The first-order network's
 * epochs are its own (`base.ts`); `trainSize` and `validationSize` are shared
 * with it, so default and `--full` reuse one cached base network.
 */
export const UPGRADE_SIZES: Sizes = {
  seeds: [3, 5, 2],
  epochs: [2, 3, 1],
  scratchEpochs: [6, 10, 1],
  trainSize: [2500, 2500, 300],
  validationSize: [500, 500, 100],
  testSize: [2000, 3000, 300],
  width: [8, 8, 4],
  warmupSteps: [10, 10, 2],
};

const OWN = new Set([
  ...Object.keys(UPGRADE_SIZES),
  "methods",
  "shift",
  "lrSearch",
  "pretrainSize",
  "pretrainEpochs",
  "runId",
]);
const ARM_NAMES = upgradeArms().map((a) => a.name);

/** The options: digits-shift's loop and adapter options, with this task's sizes and arms. */
export const DIGITS_UPGRADE_OPTIONS: TaskOption[] = [
  methodsOption(ARM_NAMES),
  runIdOption("comparison id (default from seed and time)"),
  sizeOption(UPGRADE_SIZES, "seeds", "replicate seeds", 1),
  sizeOption(UPGRADE_SIZES, "epochs", "upgrade epochs", 1),
  sizeOption(
    UPGRADE_SIZES,
    "scratchEpochs",
    "epochs of quadratic-scratch (the first-order network's are its own: base.ts)",
    1,
  ),
  sizeOption(UPGRADE_SIZES, "trainSize", "clean training digits (all arms, base included)", 10),
  sizeOption(UPGRADE_SIZES, "validationSize", "clean validation digits", 10),
  sizeOption(UPGRADE_SIZES, "testSize", "clean test digits (read once)", 10),
  sizeOption(UPGRADE_SIZES, "width", "channels of the first conv", 1),
  sizeOption(UPGRADE_SIZES, "warmupSteps", "linear warmup steps"),
  ...DIGITS_SHIFT_OPTIONS.filter((o) => !OWN.has(o.name)),
];

async function run(ctx: TaskContext): Promise<TaskResult> {
  let config: Record<string, unknown> = {
    ...withSizes(UPGRADE_SIZES, ctx.config),
    shift: "none",
    pretrainSize: 0,
  };
  if (ctx.resume) {
    const rec = await RunRecord.open(ctx.runsDir, ctx.resume);
    const { kind: _kind, ...stored } = await rec.config() as Record<string, unknown>;
    config = { ...stored, runId: ctx.resume };
  }
  const size = config.quick ? "-quick" : config.full ? "-full" : "";
  const id = (config.runId as string | undefined) ??
    `digits-upgrade-s${config.seed}${size}-${runStamp()}`;
  config = { ...config, runId: id };
  const settings = armSettings(config);
  const arms = upgradeArms().filter((a) => (config.methods as string[]).includes(a.name));
  const target = parseTarget(config.target as string | undefined, "quadratic-scratch");
  const data = prepareDigits(config, settings.arch.size);
  try {
    return await runProtocolComparison(ctx, {
      id,
      task: "digits-upgrade",
      resume: Boolean(ctx.resume),
      arms,
      target,
      pairedWith: "upgrade",
      settings,
      loop: loopSettings(config),
      base: () =>
        pretrained(
          { ...ctx, backend: ctx.backend.name, task: "digits-upgrade" },
          {
            arch: `${settings.arch.name}@${UPGRADE_BASE.version}`,
            seed: config.seed as number,
            width: config.width as number,
            pretrainSize: config.trainSize as number,
            pretrainEpochs: baseEpochs(config),
            loop: UPGRADE_BASE.loop,
            data: `clean-train+${config.validationSize}`,
          },
          { train: data.target.train, eval: data.target.validation },
          settings.arch,
        ),
      head: settings.arch.head,
      data: data.target,
      config,
      lrOf: (arm) => (config.lr as number | undefined) ?? armLr(LR_FROM[arm.name] ?? arm.name),
      summaryExtra: {},
      setting: (pretrain) =>
        `Clean digits (seed ${config.seed}, disjoint): ${config.trainSize} for training ` +
        `(the first-order network and every arm), ${config.validationSize} for validation, ` +
        `${config.testSize} for test (read once). The first-order network trained ` +
        `${baseEpochs(config)} epochs on its own versioned loop (${UPGRADE_BASE.version}, ` +
        `tasks/digits-upgrade/base.ts; cached run ${pretrain.runId}); ` +
        `backend **${ctx.backend.name}**.`,
      resumeCommand: `deno task train --task digits-upgrade --resume ${id}`,
    });
  } finally {
    data.dispose();
  }
}

/** The task. */
export const digitsUpgradeTask: TaskDefinition = {
  name: "digits-upgrade",
  description:
    "upgrade a converged first-order CNN to quadratic vs quadratic from scratch (paper's setting)",
  options: DIGITS_UPGRADE_OPTIONS,
  run,
};

register("task", digitsUpgradeTask.name, digitsUpgradeTask);
