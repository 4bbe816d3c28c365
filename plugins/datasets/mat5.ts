/**
 * A small reader for MATLAB level-5 MAT-files (the format of the ILSVRC-2012
 * devkit's `meta.mat`): numeric, char, cell and struct arrays, compressed
 * (zlib) or not, little- or big-endian. Enough to read `synsets`; not a
 * general MATLAB I/O library (no sparse, object or function-handle classes).
 *
 * @example
 * ```ts
 * import { readMat } from "./mat5.ts";
 * const vars = readMat(await Deno.readFile("ILSVRC2012_devkit_t12/data/meta.mat"));
 * const synsets = vars.synsets as Record<string, unknown>[]; // synsets[0].WNID === "n02119789"
 * ```
 * @module
 */
import { inflateSync } from "node:zlib";

/** A MATLAB value: numbers (column-major), a string, a cell array, or a struct array. */
export type MatValue = number[] | string | MatValue[] | Record<string, MatValue>[];

/** The file is not a level-5 MAT-file or holds a class this reader does not know. */
export class MatFileError extends Error {}

const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9 };
const MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14, MI_COMPRESSED = 15, MI_UTF8 = 16;
const MX = { CELL: 1, STRUCT: 2, CHAR: 4 };

interface Element {
  type: number;
  data: DataView;
}

class Reader {
  pos = 0;
  constructor(readonly view: DataView, readonly little: boolean) {}

  get done(): boolean {
    return this.pos >= this.view.byteLength;
  }

  element(): Element {
    const v = this.view, at = this.pos;
    const first = v.getUint32(at, this.little);
    // Small data element: size in the upper 16 bits, up to 4 bytes of data in the tag.
    if (first >>> 16 !== 0) {
      this.pos += 8;
      return {
        type: first & 0xffff,
        data: new DataView(v.buffer, v.byteOffset + at + 4, first >>> 16),
      };
    }
    const nbytes = v.getUint32(at + 4, this.little);
    if (at + 8 + nbytes > v.byteLength) throw new MatFileError("element runs past the end");
    this.pos = at + 8 + (first === MI_COMPRESSED ? nbytes : Math.ceil(nbytes / 8) * 8);
    return { type: first, data: new DataView(v.buffer, v.byteOffset + at + 8, nbytes) };
  }
}

function numbers(e: Element, little: boolean): number[] {
  const d = e.data;
  const size: Record<number, number> = {
    1: 1,
    2: 1,
    3: 2,
    4: 2,
    5: 4,
    6: 4,
    7: 4,
    9: 8,
    12: 8,
    13: 8,
    16: 1,
  };
  const s = size[e.type];
  if (!s) throw new MatFileError(`unsupported numeric storage type ${e.type}`);
  const out: number[] = [];
  for (let o = 0; o + s <= d.byteLength; o += s) {
    switch (e.type) {
      case MI.INT8:
        out.push(d.getInt8(o));
        break;
      case MI.UINT8:
      case MI_UTF8:
        out.push(d.getUint8(o));
        break;
      case MI.INT16:
        out.push(d.getInt16(o, little));
        break;
      case MI.UINT16:
        out.push(d.getUint16(o, little));
        break;
      case MI.INT32:
        out.push(d.getInt32(o, little));
        break;
      case MI.UINT32:
        out.push(d.getUint32(o, little));
        break;
      case MI.SINGLE:
        out.push(d.getFloat32(o, little));
        break;
      case MI.DOUBLE:
        out.push(d.getFloat64(o, little));
        break;
      case MI_INT64:
        out.push(Number(d.getBigInt64(o, little)));
        break;
      case MI_UINT64:
        out.push(Number(d.getBigUint64(o, little)));
        break;
    }
  }
  return out;
}

function text(e: Element): string {
  return new TextDecoder().decode(
    new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength),
  )
    .replace(/\0+$/, "");
}

function matrix(e: Element, little: boolean): { name: string; value: MatValue } {
  if (e.data.byteLength === 0) return { name: "", value: [] };
  const r = new Reader(e.data, little);
  const flags = numbers(r.element(), little);
  const cls = flags[0] & 0xff;
  const dims = numbers(r.element(), little);
  const name = text(r.element());
  const count = dims.reduce((a, b) => a * b, 1);
  if (cls === MX.CELL) {
    return { name, value: Array.from({ length: count }, () => matrix(r.element(), little).value) };
  }
  if (cls === MX.STRUCT) {
    const len = numbers(r.element(), little)[0];
    const raw = r.element();
    const names: string[] = [];
    for (let o = 0; o < raw.data.byteLength; o += len) {
      names.push(
        text({ type: MI.INT8, data: new DataView(raw.data.buffer, raw.data.byteOffset + o, len) }),
      );
    }
    const value = Array.from({ length: count }, () => {
      const rec: Record<string, MatValue> = {};
      for (const f of names) rec[f] = matrix(r.element(), little).value;
      return rec;
    });
    return { name, value };
  }
  if (cls === MX.CHAR) {
    const codes = r.done ? [] : numbers(r.element(), little);
    // Column-major rows × cols: read row by row.
    const [rows, cols] = [dims[0], count / Math.max(dims[0], 1)];
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      let s = "";
      for (let j = 0; j < cols; j++) s += String.fromCharCode(codes[j * rows + i]);
      lines.push(s);
    }
    return { name, value: lines.join("\n") };
  }
  if (cls >= 6 && cls <= 15) return { name, value: r.done ? [] : numbers(r.element(), little) };
  throw new MatFileError(`MATLAB class ${cls} of "${name}" is not supported`);
}

/** Reads every top-level variable of a level-5 MAT-file. */
export function readMat(bytes: Uint8Array): Record<string, MatValue> {
  if (bytes.length < 128) throw new MatFileError("shorter than a MAT-file header");
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== "IM" && endian !== "MI") {
    throw new MatFileError("not a level-5 MAT-file (no IM/MI endian mark at byte 126)");
  }
  const little = endian === "IM";
  const view = new DataView(bytes.buffer, bytes.byteOffset + 128, bytes.byteLength - 128);
  const r = new Reader(view, little);
  const out: Record<string, MatValue> = {};
  while (r.pos + 8 <= view.byteLength) {
    let e = r.element();
    if (e.type === MI_COMPRESSED) {
      const raw = inflateSync(new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength));
      e = new Reader(new DataView(raw.buffer, raw.byteOffset, raw.byteLength), little).element();
    }
    if (e.type !== MI_MATRIX) continue;
    const m = matrix(e, little);
    out[m.name] = m.value;
  }
  return out;
}
