/**
 * `deno task train`: runs a registered task (default `digits-shift`, the
 * embedded comparison) with a config file and flags, on the chosen backend,
 * with progress, run records, checkpoints, `--resume` and Ctrl-C handling.
 *
 * @example
 * ```sh
 * deno task train --help
 * deno task train --quick
 * deno task train imagenet-1k --data /data/imagenet --backbone resnet50 --weights resnet50.safetensors
 * deno task train coco --quick
 * deno task train --config my_run.json --backend blas --plugin ./my_kernel.ts --kernel cubic
 * ```
 * @module
 */
import {
  BackendUnavailableError,
  ConfigError,
  isRegistered,
  loadPlugins,
  lookup,
  PluginLoadError,
  Progress,
  QuadraNetError,
  registered,
  selectBackend,
  TargetError,
  UnknownPluginError,
} from "@quadranet/core";
import "@quadranet/backend-tfjs";
import "@quadranet/backend-blas";
import "@quadranet/backend-webgpu";
import "@quadranet/backend-cuda";
import "@quadranet/kernels";
import "@quadranet/memory-efficient";
import "@quadranet/lora";
import { SafetensorsError } from "@quadranet/backbones";
import { DatasetError } from "@quadranet/datasets";
import "./digits-shift/mod.ts";
import "./digits-upgrade/mod.ts";
import "./imagenet/mod.ts";
import "./coco/mod.ts";
import { readConfigFile } from "./cli/config_file.ts";
import { helpText } from "./cli/help.ts";
import { preParse, resolveConfig } from "./cli/options.ts";

/** Exit codes: `usage` also for input mistakes (dataset layout, `--targets`, weights files). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Runs the CLI with `args`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    // `deno task train NAME --flags` is `--task NAME --flags`.
    const positional = argv[0] !== undefined && !argv[0].startsWith("-") ? argv[0] : undefined;
    const args = positional ? ["--task", positional, ...argv.slice(1)] : argv;
    const pre = preParse(args);
    const fileConfig = pre.config ? await readConfigFile(pre.config) : {};
    const filePlugins = fileConfig.plugins ?? [];
    if (!Array.isArray(filePlugins)) {
      throw new ConfigError(
        "plugins",
        `"plugins" in ${pre.config} must be a list of paths or specifiers`,
      );
    }
    await loadPlugins([...filePlugins as string[], ...pre.plugins]);
    const taskName = pre.task ?? (fileConfig.task as string | undefined) ?? "digits-shift";
    if (!isRegistered("task", taskName)) {
      throw new UnknownPluginError("task", taskName, registered("task"));
    }
    const task = lookup("task", taskName);
    if (pre.help) {
      console.log(helpText(task));
      return EXIT.ok;
    }
    const config = resolveConfig(args, task, fileConfig);
    const quiet = config.quiet === true;
    const log = (line: string) => quiet || console.error(line);
    const backend = await selectBackend(config.backend, { quiet, log, training: true });
    if (backend.name === "cpu" && !config.quick && !config.resume) {
      log(
        "note: tfjs' pure-JavaScript cpu backend is far slower than blas (deno task bench: a training " +
          "step over 150 s against 4.7 s); install OpenBLAS (apt-get install libopenblas0) or try --quick",
      );
    }
    const signal = { interrupted: false };
    const onSigint = () => {
      if (signal.interrupted) Deno.exit(EXIT.interrupted); // second Ctrl-C: stop now
      signal.interrupted = true;
      log("\ninterrupt: writing a checkpoint after this step (Ctrl-C again to stop at once)");
    };
    Deno.addSignalListener("SIGINT", onSigint);
    try {
      const result = await task.run({
        config,
        runsDir: config.runsDir,
        backend,
        progress: new Progress({ quiet }),
        quiet,
        resume: config.resume,
        signal,
        log,
      });
      return result.status === "interrupted" ? EXIT.interrupted : EXIT.ok;
    } finally {
      Deno.removeSignalListener("SIGINT", onSigint);
    }
  } catch (e) {
    if (
      e instanceof ConfigError || e instanceof UnknownPluginError || e instanceof PluginLoadError ||
      e instanceof BackendUnavailableError
    ) {
      console.error(`error: ${e.message}\nRun \`deno task train --help\` for the options.`);
      return EXIT.usage;
    }
    if (e instanceof DatasetError || e instanceof TargetError || e instanceof SafetensorsError) {
      console.error(`error: ${e.message}`); // the user's data, layer names or files: fix and rerun
      return EXIT.usage;
    }
    if (e instanceof QuadraNetError) {
      console.error(`error: ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
