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
  checkRunId,
  ConfigError,
  isRegistered,
  kebab,
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
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readConfigFile } from "./cli/config_file.ts";
import { helpText } from "./cli/help.ts";
import { preParse, resolveConfig, resumeConflicts } from "./cli/options.ts";

/** Exit codes: `usage` also for input mistakes (dataset layout, `--targets`, weights files). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * The stored config of run `id` (for an arm of a comparison, its own, which
 * holds the comparison's options). Fails (usage, exit 2) when there is no
 * such run, listing recent ones, or when its config.json is not an object.
 */
export async function storedConfig(runsDir: string, id: string): Promise<Record<string, unknown>> {
  checkRunId(id);
  if (existsSync(join(runsDir, id, "summary.json"))) {
    const file = join(runsDir, id, "config.json");
    let value: unknown;
    try {
      value = JSON.parse(await Deno.readTextFile(file));
    } catch (e) {
      throw new ConfigError(
        "resume",
        `Cannot resume ${id}: ${file} is unreadable (${(e as Error).message})`,
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ConfigError("resume", `Cannot resume ${id}: ${file} does not hold an object`);
    }
    return value as Record<string, unknown>;
  }
  const known = existsSync(runsDir)
    ? [...Deno.readDirSync(runsDir)].filter((e) => e.isDirectory).map((e) => e.name).sort()
    : [];
  throw new ConfigError(
    "resume",
    `No run "${id}" in ${runsDir}${
      known.length ? `; recent runs: ${known.slice(-10).join(", ")}` : " (it holds no runs)"
    }. Give an id from there, or --runs-dir where the run is`,
  );
}

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
    const given: string[] = [];
    const config = resolveConfig(args, task, fileConfig, given);
    if (config.resume !== undefined) {
      const stored = await storedConfig(config.runsDir as string, config.resume as string);
      const conflicts = resumeConflicts(config, given, stored);
      if (conflicts.length) {
        throw new ConfigError(
          "resume",
          `--resume ${config.resume} continues with the config the run was started with; ${
            conflicts.map((k) =>
              `${kebab(k)} ${JSON.stringify(config[k])} (stored: ${JSON.stringify(stored[k])})`
            ).join(", ")
          } cannot be applied to it. Drop ${
            conflicts.length > 1 ? "them" : "it"
          }, or start a new run with the changed options`,
        );
      }
    }
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
    const stop = (why: string) => {
      if (signal.interrupted) Deno.exit(EXIT.interrupted); // a second signal: stop now
      signal.interrupted = true;
      log(`\n${why}: writing a checkpoint after this step (Ctrl-C again to stop at once)`);
    };
    const onSigint = () => stop("interrupt");
    const onSigterm = () => stop("SIGTERM");
    Deno.addSignalListener("SIGINT", onSigint);
    Deno.addSignalListener("SIGTERM", onSigterm);
    // A parent that dies without passing the signal on (npx does this) leaves us orphaned: stop
    // as if interrupted, so the run is checkpointed and marked, not left "running" forever.
    const parent = Deno.ppid;
    const watch = setInterval(() => {
      if (Deno.ppid !== parent && !signal.interrupted) stop("parent process exited");
    }, 1000);
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
      clearInterval(watch);
      Deno.removeSignalListener("SIGINT", onSigint);
      Deno.removeSignalListener("SIGTERM", onSigterm);
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
