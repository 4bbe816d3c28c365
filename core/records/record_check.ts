/**
 * The JSON value type of run records and the field checks their validating
 * parsers share (each failure a {@link RecordError} naming the file and field).
 *
 * @example
 * ```ts
 * import { Check, isObj } from "./record_check.ts";
 * const v: unknown = JSON.parse('{"n": "x"}');
 * if (isObj(v)) new Check("demo.json").num(v, "n", true); // throws: n must be a number
 * ```
 * @module
 */
import { RecordError } from "../errors.ts";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {
  [key: string]: JsonValue;
};

/** A JSON object as parsed. @internal */
export type Obj = Record<string, unknown>;

/** Whether `v` is a JSON object (not null, not an array). @internal */
export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Field checks that throw {@link RecordError} naming the file and field. @internal */
export class Check {
  constructor(readonly where: string) {}
  fail(field: string, want: string, got: unknown): never {
    const shown = got === undefined ? "missing" : JSON.stringify(got)?.slice(0, 60);
    throw new RecordError(this.where, field, `${field} must be ${want} (got ${shown})`);
  }
  str(o: Obj, k: string, optional = false): void {
    if (optional && o[k] === undefined) return;
    if (typeof o[k] !== "string") this.fail(k, "a string", o[k]);
  }
  num(o: Obj, k: string, optional = false, nullable = false, prefix = ""): void {
    if (optional && o[k] === undefined) return;
    if (nullable && o[k] === null) return;
    if (typeof o[k] !== "number") this.fail(prefix + k, "a number", o[k]);
  }
  obj(o: Obj, k: string, optional = false): void {
    if (optional && o[k] === undefined) return;
    if (!isObj(o[k])) this.fail(k, "an object", o[k]);
  }
  numbers(o: Obj, k: string): void {
    if (o[k] === undefined) return;
    this.obj(o, k);
    for (const [n, v] of Object.entries(o[k] as Obj)) {
      if (typeof v !== "number" && v !== null) this.fail(`${k}.${n}`, "a number", v);
    }
  }
}
