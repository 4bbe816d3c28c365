import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { tf } from "../tf.ts";
import { parseManifestGroups, readWeights } from "./weights_file.ts";

async function folder() {
  const dir = await Deno.makeTempDir();
  const { data, specs } = await tf.io.encodeWeights([
    { name: "w", tensor: tf.tensor2d([[1, 2], [3, 4]]) },
    { name: "b", tensor: tf.tensor1d([5]) },
  ]);
  const bytes = new Uint8Array(data as ArrayBuffer);
  const name = `weights.${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.bin`;
  await Deno.writeFile(join(dir, name), bytes);
  return { dir, name, bytes, manifest: [{ paths: [name], weights: specs }] };
}

const FIX = "Save it again.";

Deno.test("readWeights: intact files load; a same-size corruption fails the content hash", async () => {
  const f = await folder();
  const m = parseManifestGroups(f.manifest, "model.json", FIX);
  const { specs, data } = await readWeights(f.dir, m, "model.json", FIX);
  assert.deepEqual(specs.map((s) => s.name), ["w", "b"]);
  assert.deepEqual([...new Float32Array(data)], [1, 2, 3, 4, 5]);
  const flipped = f.bytes.slice();
  flipped[3] ^= 0x40; // same size, one bit
  await Deno.writeFile(join(f.dir, f.name), flipped);
  await assert.rejects(
    () => readWeights(f.dir, m, "model.json", FIX),
    /weights\.[0-9a-f]{16}\.bin does not match the content hash in its name.*Save it again/,
  );
});

Deno.test("readWeights: a truncated or missing file names the file and the byte counts", async () => {
  const f = await folder();
  await Deno.rename(join(f.dir, f.name), join(f.dir, "plain.bin"));
  await Deno.writeFile(join(f.dir, "plain.bin"), f.bytes.subarray(0, 12));
  const m = parseManifestGroups([{ ...f.manifest[0], paths: ["plain.bin"] }], "m.json", FIX);
  await assert.rejects(
    () => readWeights(f.dir, m, "m.json", FIX),
    /hold 12 bytes, the manifest needs 20/,
  );
  await Deno.remove(join(f.dir, "plain.bin"));
  await assert.rejects(
    () => readWeights(f.dir, m, "m.json", FIX),
    /names weights file plain\.bin, which cannot be read/,
  );
});

Deno.test("parseManifestGroups: paths outside the folder, bad dtypes and shapes are refused", () => {
  const entry = { name: "w", shape: [2], dtype: "float32" };
  const bad: [unknown, RegExp][] = [
    [{}, /weightsManifest must be a list/],
    [[{ paths: ["../../etc/passwd"], weights: [entry] }], /paths\[0\] must be a string matching/],
    [[{ paths: ["/abs.bin"], weights: [entry] }], /paths\[0\]/],
    [[{ paths: ["w.bin"], weights: [{ ...entry, dtype: "float64" }] }], /dtype must be float32/],
    [
      [{ paths: ["w.bin"], weights: [{ ...entry, shape: [-2] }] }],
      /shape must be a list of integers/,
    ],
    [[{ paths: ["w.bin"], weights: [null] }], /weights\[0\] must be an object/],
  ];
  for (const [v, want] of bad) assert.throws(() => parseManifestGroups(v, "m.json", FIX), want);
});
