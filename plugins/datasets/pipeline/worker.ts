/**
 * The decode worker: one image per message, decoded and transformed with
 * sharp, the float data transferred back. Imports no tfjs, so a worker costs
 * little memory. libvips' own thread pool is limited to one thread so the
 * worker count is the parallelism.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import sharp from "sharp";
import { decodeImage } from "./decode.ts";
import type { TransformSpec } from "./transforms.ts";

sharp.concurrency(1);
sharp.cache(false);

/** A decode request. */
export interface DecodeJob {
  id: number;
  bytes: Uint8Array;
  path: string;
  spec: TransformSpec;
  seed: number;
}

self.onmessage = async (e: MessageEvent<DecodeJob>) => {
  const { id, bytes, path, spec, seed } = e.data;
  const r = await decodeImage(bytes, path, spec, seed);
  self.postMessage({ id, data: r.data, issues: r.issues }, r.data ? [r.data.buffer] : []);
};
