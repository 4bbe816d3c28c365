/**
 * Reads `.safetensors` files (an 8-byte little-endian header length, a JSON
 * header `{ name: { dtype, shape, data_offsets } }`, raw little-endian
 * tensor bytes) into float32 arrays; F32, F16 and BF16 are supported.
 *
 * @example
 * ```ts
 * const tensors = readSafetensors(await Deno.readFile("resnet18.safetensors"));
 * tensors.get("conv1.weight"); // { dtype: "F32", shape: [64, 3, 7, 7], data: Float32Array }
 * ```
 * @module
 */
import { QuadraNetError } from "@quadranet/core";

/** A tensor read from a safetensors file, as float32. */
export interface StTensor {
  /** The stored dtype (values are converted to float32). */
  dtype: "F32" | "F16" | "BF16";
  /** Its shape. */
  shape: number[];
  /** Its values, row-major. */
  data: Float32Array;
}

/** The file is not a valid safetensors file (or holds an unsupported dtype). */
export class SafetensorsError extends QuadraNetError {}

function f16(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const BITS = new Uint32Array(1);
const FLOAT = new Float32Array(BITS.buffer);

const HINT = "; expected a .safetensors file (e.g. saved by safetensors.torch.save_file)";

/**
 * Why a file whose first bytes are `head` (at least 9 of them where the
 * file has them) and whose size is `size` is not a safetensors file, or
 * `undefined` when its start looks like one: an 8-byte little-endian
 * header length that fits in the file, then a JSON object.
 */
function headerProblem(head: Uint8Array, size: number): string | undefined {
  if (size < 10 || head.length < 9) {
    return `is not a safetensors file: it is too short (${size} bytes)${HINT}`;
  }
  const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  if (n < 2n || 8n + n > BigInt(size) || head[8] !== 0x7b /* { */) {
    return `is not a safetensors file: it does not start with a header length and a JSON header${HINT}`;
  }
  return undefined;
}

/**
 * Checks that the file at `path` exists and starts like a safetensors file,
 * reading only its first bytes; throws {@link SafetensorsError} naming
 * `what` (default: the path) and the problem. Use it to fail early, before
 * a long run reaches the weights.
 *
 * @example
 * ```ts
 * await checkSafetensorsFile("resnet18.safetensors", "--weights resnet18.safetensors");
 * ```
 */
export async function checkSafetensorsFile(path: string, what = path): Promise<void> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SafetensorsError(`${what}: no such file; pass the path of a .safetensors file`);
    }
    throw new SafetensorsError(`${what}: cannot be read (${(e as Error).message})`);
  }
  try {
    const size = (await file.stat()).size;
    const head = new Uint8Array(Math.min(size, 9));
    let got = 0;
    while (got < head.length) {
      const r = await file.read(head.subarray(got));
      if (r === null) break;
      got += r;
    }
    const problem = headerProblem(head.subarray(0, got), size);
    if (problem) throw new SafetensorsError(`${what} ${problem}`);
  } finally {
    file.close();
  }
}

const WIDTH: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** One header entry after validation. */
interface Entry {
  name: string;
  dtype: StTensor["dtype"];
  shape: number[];
  begin: number;
  end: number;
}

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * Validates the parsed header: an object of `{ dtype, shape, data_offsets }`
 * entries (plus an optional `__metadata__` object), shapes of non-negative
 * integers, offsets that match the shape, lie inside the data and cover it
 * without overlaps or holes (the format's rules). Returns the entries in
 * offset order.
 */
function validateHeader(header: unknown, what: string, dataBytes: number): Entry[] {
  const fail = (why: string): never => {
    throw new SafetensorsError(`${what}: ${why}; the file is damaged or not a safetensors file`);
  };
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    fail(`header must be a JSON object, got ${header === null ? "null" : typeof header}`);
  }
  const entries: Entry[] = [];
  for (const [name, t] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof t !== "object" || t === null || Array.isArray(t)) {
        fail(`"__metadata__" must be an object`);
      }
      continue;
    }
    if (typeof t !== "object" || t === null || Array.isArray(t)) {
      fail(`tensor "${name}" must be an object { dtype, shape, data_offsets }, got ${t}`);
    }
    const { dtype, shape, data_offsets: off } = t as Record<string, unknown>;
    if (typeof dtype !== "string") fail(`tensor "${name}" has no string dtype`);
    if (!WIDTH[dtype as string]) {
      fail(`tensor "${name}" has dtype ${dtype}; supported: F32, F16, BF16`);
    }
    if (!Array.isArray(shape) || !shape.every(isIndex)) {
      fail(`tensor "${name}" shape ${JSON.stringify(shape)} is not a list of integers >= 0`);
    }
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isIndex) || off[0] > off[1]) {
      fail(
        `tensor "${name}" data_offsets ${
          JSON.stringify(off)
        } must be two integers 0 <= begin <= end`,
      );
    }
    const [begin, end] = off as [number, number];
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    if (end - begin !== count * WIDTH[dtype as string] || end > dataBytes) {
      fail(
        `tensor "${name}" offsets [${begin}, ${end}] do not match shape ${
          JSON.stringify(shape)
        } × ${dtype} or run past the end (${dataBytes} data bytes)`,
      );
    }
    entries.push({ name, dtype: dtype as StTensor["dtype"], shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.begin < at) fail(`tensor "${e.name}" overlaps the tensor before it (offset ${e.begin})`);
    if (e.begin > at) fail(`bytes ${at}..${e.begin} before tensor "${e.name}" belong to no tensor`);
    at = e.end;
  }
  if (at !== dataBytes) fail(`${dataBytes - at} bytes after the last tensor belong to no tensor`);
  return entries;
}

/**
 * Parses `bytes` (the whole file). `what` names it in errors. Any
 * malformation (header length, header JSON or its shape, dtypes, shapes,
 * offsets out of range, overlapping or leaving holes) is one
 * {@link SafetensorsError} naming `what`.
 */
export function readSafetensors(
  bytes: Uint8Array,
  what = "safetensors file",
): Map<string, StTensor> {
  if (bytes.length < 8) {
    throw new SafetensorsError(`${what} is too short to be a safetensors file (${bytes.length} B)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const big = view.getBigUint64(0, true);
  if (big > BigInt(bytes.length - 8) && bytes[8] !== 0x7b /* { */) {
    // not a length followed by JSON at all (text, a .pt file, …): say so, not a garbled number
    const problem = headerProblem(bytes.subarray(0, Math.min(bytes.length, 9)), bytes.length);
    if (problem) throw new SafetensorsError(`${what} ${problem}`);
  }
  if (big <= 0n || big > BigInt(bytes.length - 8)) {
    throw new SafetensorsError(
      `${what}: header length ${big} does not fit in ${bytes.length} bytes; the file is truncated ` +
        `or not a safetensors file`,
    );
  }
  const n = Number(big);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(
      `${what} is not a safetensors file: its header is not JSON (${(e as Error).message})`,
    );
  }
  const base = 8 + n;
  const out = new Map<string, StTensor>();
  for (const t of validateHeader(header, what, bytes.length - base)) {
    const count = t.shape.reduce((a, d) => a * d, 1);
    const data = new Float32Array(count);
    const at = base + t.begin;
    for (let i = 0; i < count; i++) {
      if (t.dtype === "F32") data[i] = view.getFloat32(at + 4 * i, true);
      else if (t.dtype === "F16") data[i] = f16(view.getUint16(at + 2 * i, true));
      else {
        BITS[0] = view.getUint16(at + 2 * i, true) << 16; // bf16 is the top half of an f32
        data[i] = FLOAT[0];
      }
    }
    out.set(t.name, { dtype: t.dtype, shape: t.shape, data });
  }
  return out;
}

/** Encodes float32 tensors as a safetensors file (for tests and exports). */
export function writeSafetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = {
      dtype: "F32",
      shape: t.shape,
      data_offsets: [offset, offset + 4 * t.data.length],
    };
    offset += 4 * t.data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  json = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(pad));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
