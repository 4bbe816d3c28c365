/**
 * Validated reading of the JSON files the project reads back (checkpoint
 * manifests, `latest.json`, `adapter_config.json`, `model.json`): each
 * check names the file, the field and what to do, as one
 * {@link CheckpointError}, instead of a `TypeError` from deep inside.
 *
 * @example
 * ```ts
 * import { readJsonFile, shapeOf } from "@quadranet/core";
 * const v = await readJsonFile("runs/r1/checkpoints/latest.json", "delete it to resume");
 * const s = shapeOf("runs/r1/checkpoints/latest.json", "delete it to resume");
 * const step = s.nat(s.obj(v, "file").step, "step");
 * ```
 * @module
 */
import { CheckpointError } from "../errors.ts";

/** Reads and parses `path`; a missing, unreadable or non-JSON file is a CheckpointError. */
export async function readJsonFile(path: string, fix: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new CheckpointError(`Cannot read ${path}: ${(e as Error).message}. ${fix}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${path} is not valid JSON (${(e as Error).message}). ${fix}`);
  }
}

/** Field checks of one file (see {@link shapeOf}); each throws a CheckpointError. */
export interface FieldChecks {
  /** Throws: `field` must be `want`, got `got`. */
  fail(field: string, want: string, got: unknown): never;
  /** An object. */
  obj(v: unknown, field: string): Record<string, unknown>;
  /** A string (matching `pattern` when given). */
  str(v: unknown, field: string, pattern?: RegExp): string;
  /** An integer >= 0. */
  nat(v: unknown, field: string): number;
  /** A finite number. */
  num(v: unknown, field: string): number;
  /** A list. */
  list(v: unknown, field: string): unknown[];
  /** A list of strings. */
  strings(v: unknown, field: string): string[];
  /** A tensor shape: a list of integers >= 0. */
  shape(v: unknown, field: string): number[];
}

/** Field checks that throw a CheckpointError naming `file`, the field and `fix`. */
export function shapeOf(file: string, fix: string): FieldChecks {
  const fail = (field: string, want: string, got: unknown): never => {
    const shown = JSON.stringify(got)?.slice(0, 60) ?? String(got);
    throw new CheckpointError(`${file}: ${field} must be ${want}, got ${shown}. ${fix}`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  return {
    fail,
    obj(v: unknown, field: string): Record<string, unknown> {
      return isObj(v) ? v : fail(field, "an object", v);
    },
    str(v: unknown, field: string, pattern?: RegExp): string {
      if (typeof v !== "string") return fail(field, "a string", v);
      return !pattern || pattern.test(v) ? v : fail(field, `a string matching ${pattern}`, v);
    },
    /** An integer >= 0. */
    nat(v: unknown, field: string): number {
      return Number.isSafeInteger(v) && (v as number) >= 0 ? v as number : fail(
        field,
        "an integer >= 0",
        v,
      );
    },
    num(v: unknown, field: string): number {
      return typeof v === "number" && Number.isFinite(v) ? v : fail(field, "a finite number", v);
    },
    list(v: unknown, field: string): unknown[] {
      return Array.isArray(v) ? v : fail(field, "a list", v);
    },
    strings(v: unknown, field: string): string[] {
      return Array.isArray(v) && v.every((s) => typeof s === "string")
        ? v as string[]
        : fail(field, "a list of strings", v);
    },
    /** A tensor shape: a list of integers >= 0. */
    shape(v: unknown, field: string): number[] {
      return Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= 0)
        ? v as number[]
        : fail(field, "a list of integers >= 0", v);
    },
  };
}

/** A plain file name (no folder, no `..`): files named in a manifest stay in its folder. */
export const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
