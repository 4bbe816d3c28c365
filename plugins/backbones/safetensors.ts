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

/** Parses `bytes` (the whole file). `what` names it in errors. */
export function readSafetensors(
  bytes: Uint8Array,
  what = "safetensors file",
): Map<string, StTensor> {
  const problem = headerProblem(bytes.subarray(0, Math.min(bytes.length, 9)), bytes.length);
  if (problem) throw new SafetensorsError(`${what} ${problem}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(
      `${what} is not a safetensors file: its header is not JSON (${(e as Error).message})`,
    );
  }
  const base = 8 + n;
  const out = new Map<string, StTensor>();
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [b, e] = t.data_offsets ?? [];
    const count = (t.shape ?? []).reduce((a, d) => a * d, 1);
    const width = t.dtype === "F32" ? 4 : t.dtype === "F16" || t.dtype === "BF16" ? 2 : 0;
    if (!width) {
      throw new SafetensorsError(
        `${what}: tensor "${name}" has dtype ${t.dtype}; supported: F32, F16, BF16`,
      );
    }
    if (!(b >= 0 && e - b === count * width && base + e <= bytes.length)) {
      throw new SafetensorsError(
        `${what}: tensor "${name}" offsets [${b}, ${e}] do not match shape ${
          JSON.stringify(t.shape)
        } × ${t.dtype} or run past the end`,
      );
    }
    const data = new Float32Array(count);
    const at = base + b;
    for (let i = 0; i < count; i++) {
      if (t.dtype === "F32") data[i] = view.getFloat32(at + 4 * i, true);
      else if (t.dtype === "F16") data[i] = f16(view.getUint16(at + 2 * i, true));
      else {
        BITS[0] = view.getUint16(at + 2 * i, true) << 16; // bf16 is the top half of an f32
        data[i] = FLOAT[0];
      }
    }
    out.set(name, { dtype: t.dtype as StTensor["dtype"], shape: t.shape, data });
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
