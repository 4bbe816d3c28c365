/**
 * Validated reading of tfjs weight manifests and the files they name, for
 * `model.json` and `adapter_config.json`: every group's paths are plain file
 * names in the same folder, every entry has a name, a shape of integers and
 * a known dtype, each file holds exactly the bytes its entries need, and a
 * file named by content hash (`weights.<hash>.bin`) must hash to its name.
 * Any failure is one {@link CheckpointError} naming the file and the fix.
 *
 * @example
 * ```ts
 * import { parseManifestGroups, readWeights } from "@quadranet/core";
 * const file = "runs/r1/model/model.json";
 * const json = JSON.parse(await Deno.readTextFile(file));
 * const manifest = parseManifestGroups(json.weightsManifest, file, "Save it again");
 * const { specs, data } = await readWeights("runs/r1/model", manifest, file, "Save it again");
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { CheckpointError } from "../errors.ts";
import type { tf } from "../tf.ts";
import { PLAIN_NAME, shapeOf } from "./json_shape.ts";

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANT: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };
/** A content-hashed weight file name: the hash is the first 16 hex digits of its SHA-256. */
const HASHED = /\.([0-9a-f]{16})\.bin$/;

/** Bytes one manifest entry occupies. */
function entryBytes(e: tf.io.WeightsManifestEntry): number {
  const count = e.shape.reduce((a, d) => a * d, 1);
  return count * (e.quantization ? QUANT[e.quantization.dtype] : BYTES[e.dtype]);
}

/** Validates a parsed weights manifest (the `weightsManifest` field of `file`). */
export function parseManifestGroups(
  value: unknown,
  file: string,
  fix: string,
): tf.io.WeightsManifestConfig {
  const s = shapeOf(file, fix);
  return s.list(value, "weightsManifest").map((g, i) => {
    const group = s.obj(g, `weightsManifest[${i}]`);
    const paths = s.strings(group.paths, `weightsManifest[${i}].paths`);
    paths.forEach((p, j) => s.str(p, `weightsManifest[${i}].paths[${j}]`, PLAIN_NAME));
    const weights = s.list(group.weights, `weightsManifest[${i}].weights`).map((w, j) => {
      const at = `weightsManifest[${i}].weights[${j}]`;
      const e = s.obj(w, at);
      const dtype = s.str(e.dtype, `${at}.dtype`);
      if (!(dtype in BYTES)) s.fail(`${at}.dtype`, Object.keys(BYTES).join(" | "), dtype);
      const entry: tf.io.WeightsManifestEntry = {
        name: s.str(e.name, `${at}.name`),
        shape: s.shape(e.shape, `${at}.shape`),
        dtype: dtype as tf.io.WeightsManifestEntry["dtype"],
      };
      if (e.quantization !== undefined) {
        const q = s.obj(e.quantization, `${at}.quantization`);
        if (!(String(q.dtype) in QUANT)) {
          s.fail(`${at}.quantization.dtype`, Object.keys(QUANT).join(" | "), q.dtype);
        }
        entry.quantization = q as unknown as tf.io.WeightsManifestEntry["quantization"];
      }
      return entry;
    });
    return { paths, weights };
  });
}

/**
 * Reads every weight file a validated manifest names from `dir`, checking
 * sizes and content hashes; returns the specs and the concatenated bytes.
 */
export async function readWeights(
  dir: string,
  manifest: tf.io.WeightsManifestConfig,
  file: string,
  fix: string,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  const parts: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    const need = group.weights.reduce((a, e) => a + entryBytes(e), 0);
    const chunks: Uint8Array[] = [];
    for (const p of group.paths) {
      try {
        chunks.push(await Deno.readFile(join(dir, p)));
      } catch (e) {
        throw new CheckpointError(
          `${file} names weights file ${p}, which cannot be read (${(e as Error).message}). ${fix}`,
        );
      }
    }
    const have = chunks.reduce((a, c) => a + c.length, 0);
    if (have !== need) {
      throw new CheckpointError(
        `${file}: weights file(s) ${group.paths.join(", ")} hold ${have} bytes, the manifest ` +
          `needs ${need}; the file is truncated or replaced. ${fix}`,
      );
    }
    group.paths.forEach((p, i) => {
      const hash = p.match(HASHED)?.[1];
      if (hash && createHash("sha256").update(chunks[i]).digest("hex").slice(0, 16) !== hash) {
        throw new CheckpointError(
          `${join(dir, p)} does not match the content hash in its name: the file is damaged or ` +
            `was replaced. ${fix}`,
        );
      }
    });
    parts.push(...chunks);
    specs.push(...group.weights);
  }
  const all = new Uint8Array(parts.reduce((a, c) => a + c.length, 0));
  parts.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  return { specs, data: all.buffer };
}
