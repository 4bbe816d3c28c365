import assert from "node:assert/strict";
import { readSafetensors, SafetensorsError, writeSafetensors } from "./safetensors.ts";

/** A file with `header` (any JSON value, or raw text) and `data` bytes after it. */
function file(header: unknown, dataBytes: number, raw?: string): Uint8Array {
  const hb = new TextEncoder().encode(raw ?? JSON.stringify(header));
  const bytes = new Uint8Array(8 + hb.length + dataBytes);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(hb.length), true);
  bytes.set(hb, 8);
  return bytes;
}

const ok = (shape: number[], offsets: [number, number]) => ({
  dtype: "F32",
  shape,
  data_offsets: offsets,
});

Deno.test("safetensors: a well-formed file round-trips", () => {
  const bytes = writeSafetensors({
    a: { shape: [2], data: new Float32Array([1, -2]) },
    b: { shape: [1, 1], data: new Float32Array([0.5]) },
  });
  const t = readSafetensors(bytes, "ok.safetensors");
  assert.deepEqual([...t.get("a")!.data], [1, -2]);
  assert.deepEqual(t.get("b")!.shape, [1, 1]);
});

// Every malformed-header class from issue #12, each one clear SafetensorsError naming the file.
const CASES: [string, Uint8Array, RegExp][] = [
  ["header is JSON null", file(null, 0), /header must be a JSON object, got null/],
  ["header is a number", file(42, 0), /header must be a JSON object, got number/],
  ["header is a list", file([1], 0), /header must be a JSON object/],
  ["header is not JSON", file(0, 0, "{not json"), /header is not JSON/],
  ["header is not UTF-8", file(0, 0, "\u00ff"), /./], // replaced below with raw bytes
  ["entry is null", file({ w: null }, 4), /tensor "w" must be an object/],
  ["entry is a number", file({ w: 3 }, 4), /tensor "w" must be an object/],
  ["dtype missing", file({ w: { shape: [1], data_offsets: [0, 4] } }, 4), /no string dtype/],
  [
    "unsupported dtype",
    file({ w: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, 8),
    /dtype I64; supported/,
  ],
  ["shape is a string", file({ w: ok("3" as never, [0, 12]) }, 12), /shape "3" is not a list/],
  ["shape has a string", file({ w: ok(["3"] as never, [0, 12]) }, 12), /shape \["3"\]/],
  ["negative shape", file({ w: ok([-1], [0, 0]) }, 0), /shape \[-1\]/],
  ["fractional shape", file({ w: ok([1.5], [0, 6]) }, 6), /shape \[1\.5\]/],
  ["offsets missing", file({ w: { dtype: "F32", shape: [1] } }, 4), /data_offsets undefined/],
  ["fractional offsets", file({ w: ok([1], [0.5, 4.5]) }, 5), /data_offsets \[0\.5,4\.5\]/],
  ["negative offsets", file({ w: ok([1], [-4, 0]) }, 4), /data_offsets \[-4,0\]/],
  ["reversed offsets", file({ w: ok([0], [4, 0]) }, 4), /begin <= end/],
  ["three offsets", file({ w: ok([1], [0, 4, 8] as never) }, 8), /data_offsets \[0,4,8\]/],
  ["offsets past the end", file({ w: ok([2], [0, 8]) }, 4), /run past the end/],
  ["offsets not the shape's size", file({ w: ok([2], [0, 4]) }, 4), /do not match shape/],
  [
    "overlapping offsets",
    file({ a: ok([2], [0, 8]), b: ok([2], [4, 12]) }, 12),
    /tensor "b" overlaps/,
  ],
  ["a hole before a tensor", file({ a: ok([1], [4, 8]) }, 8), /bytes 0\.\.4 before tensor "a"/],
  ["bytes after the last tensor", file({ a: ok([1], [0, 4]) }, 8), /4 bytes after the last/],
  ["metadata not an object", file({ __metadata__: 1 }, 0), /"__metadata__" must be an object/],
  ["header length past the end", new Uint8Array(16).fill(0xff), /is not a safetensors file/],
  ["header length zero", new Uint8Array(8), /header length 0 does not fit/],
  ["too short", new Uint8Array(4), /too short/],
];
// Not UTF-8: a lone 0xff byte as the header.
CASES[4][1] = (() => {
  const b = file(0, 0, "x");
  b[8] = 0xff;
  return b;
})();
CASES[4][2] = /header is not JSON/;

Deno.test(`safetensors: ${CASES.length} malformed-file classes each give one clear error naming the file`, () => {
  for (const [what, bytes, pattern] of CASES) {
    assert.throws(
      () => readSafetensors(bytes, "/models/bad.safetensors"),
      (e: unknown) => {
        assert.ok(e instanceof SafetensorsError, `${what}: got ${e}`);
        assert.match(e.message, /^\/models\/bad\.safetensors/, what);
        assert.match(e.message, pattern, what);
        return true;
      },
      what,
    );
  }
});
