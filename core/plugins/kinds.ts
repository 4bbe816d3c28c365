/**
 * The plugin kinds and the interface each kind implements: the registry's
 * type table. A lookup of kind `K` returns a `PluginKinds[K]`, so callers never
 * choose (or cast) the type themselves.
 *
 * @example
 * ```ts
 * import type { PluginKinds } from "@quadranet/core";
 * const describe = (k: PluginKinds["kernel"]) => `kernel ${k.name}`;
 * ```
 * @module
 */
import type { AdapterMethod } from "../adapter/adapter_method.ts";
import type { BackpropStrategy } from "../adapter/backprop.ts";
import type { KernelMethod } from "../adapter/kernel_method.ts";
import type { BackbonePlugin } from "./backbone.ts";
import type { BackendPlugin } from "./backend_select.ts";
import type { DatasetPlugin } from "./dataset.ts";
import type { HeadPlugin } from "./head.ts";
import type { ShiftPlugin } from "./shift.ts";
import type { TaskDefinition } from "./task.ts";

/** Plugin kind → the interface its definitions implement. */
export interface PluginKinds {
  /** A compute backend (`--backend`). */
  backend: BackendPlugin;
  /** A kernel method `k(u, v)` of the quadratic term. */
  kernel: KernelMethod;
  /** A backprop strategy for the quadratic term. */
  backprop: BackpropStrategy;
  /** An adapter method (quadratic, LoRA, ...). */
  method: AdapterMethod;
  /** A network factory with its pretrained config. */
  backbone: BackbonePlugin;
  /** A task run by `deno task train --task NAME`. */
  task: TaskDefinition;
  /** A labelled image source. */
  dataset: DatasetPlugin;
  /** A detection head. */
  head: HeadPlugin;
  /** A domain shift: a seeded image transform (digits-shift's `--shift`). */
  shift: ShiftPlugin;
}

/** One of the keys of {@link PluginKinds}. */
export type PluginKind = keyof PluginKinds;

/** The kinds of plugin the project knows, in a stable order. */
export const PLUGIN_KINDS: readonly PluginKind[] = [
  "backend",
  "backbone",
  "kernel",
  "backprop",
  "head",
  "dataset",
  "task",
  "method",
  "shift",
];

/** Definitions grouped by kind, for {@link Registry.registerAll}; each carries its `name`. */
export type PluginSet = { [K in PluginKind]?: readonly PluginKinds[K][] };
