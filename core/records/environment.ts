/**
 * What ran a run: runtime and library versions, and the machine, for
 * `summary.json`.
 *
 * @example
 * ```ts
 * import { machine, versions } from "@quadranet/core";
 * console.log(versions().tfjs, machine().cores);
 * ```
 * @module
 */
import os from "node:os";
import { tf } from "../tf.ts";

/** Versions of the runtime and libraries, for the record. */
export function versions(): Record<string, string> {
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    tfjs: tf.version_core,
    quadranet: "0.1.0",
  };
}

/** What machine ran it. */
export function machine(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    os: `${Deno.build.os} ${os.release()}`,
    arch: Deno.build.arch,
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}
