/**
 * `deno task train --help`: usage, the generic options, the registered
 * tasks, the selected task's options and the registered plugins by kind.
 *
 * @example
 * ```ts
 * import { lookup } from "@quadranet/core";
 * import { helpText } from "./help.ts";
 * import "../digits-shift/mod.ts";
 * console.log(helpText(lookup("task", "digits-shift")));
 * ```
 * @module
 */
import { registered, type TaskDefinition, type TaskOption } from "@quadranet/core";
import { kebab, lookup } from "@quadranet/core";
import { GENERIC_OPTIONS } from "./options.ts";

function line(o: TaskOption): string {
  const flag = `--${kebab(o.name)}${
    o.type === "boolean" ? "" : o.type === "list" ? " A,B" : " VALUE"
  }`;
  const def = o.default === undefined || (Array.isArray(o.default) && o.default.length === 0) ||
      o.default === false || o.default === ""
    ? ""
    : ` (default: ${Array.isArray(o.default) ? o.default.join(",") : o.default})`;
  const choices = o.choices ? ` [${o.choices.join(", ")}]` : "";
  return `  ${flag.padEnd(30)} ${o.help}${choices}${def}`;
}

/** The help text for `task`. */
export function helpText(task: TaskDefinition): string {
  const tasks = registered("task").map((n) => {
    const t = lookup("task", n);
    return `  ${n.padEnd(30)} ${t.description}`;
  });
  const plugins =
    (["backend", "method", "kernel", "backprop", "backbone", "dataset", "head"] as const).map(
      (k) => `  ${k.padEnd(30)} ${registered(k).join(", ")}`,
    );
  return [
    "Usage: deno task train [NAME | --task NAME] [--config FILE] [--backend NAME] [--plugin SPEC]",
    "                       [--resume ID] [--quick] [--quiet] [task options]",
    "",
    "Options:",
    ...GENERIC_OPTIONS.map(line),
    "",
    "Tasks (`deno task train NAME --help` shows a task's own options):",
    ...tasks,
    "",
    `Options of task "${task.name}":`,
    ...task.options.map(line),
    "",
    "Registered plugins:",
    ...plugins,
    "",
    "Config files are JSON or TS (default export) with the option names above in camelCase;",
    "flags override them. --resume ID keeps the run's stored config (other options are refused);",
    "a comparison keeps its completed arms and continues the stopped one from its last checkpoint.",
    "Exit codes: 0 done, 1 failed, 2 bad usage or input (flags, data folder, weights file,",
    "--targets), 130 interrupted (Ctrl-C or SIGTERM).",
    "",
    "Trust: a .ts config file, --plugin and a config's \"plugins\" run code with this command's",
    "permissions (even for --help). Use only files you trust.",
  ].join("\n");
}
