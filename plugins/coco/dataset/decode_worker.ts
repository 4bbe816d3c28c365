/**
 * A decode worker for detection inputs: one image per message, `decodeLetterbox`, the floats
 * transferred back. libvips runs single-threaded here so the worker count is the parallelism.
 * @module
 */
/// <reference lib="deno.worker" />
import sharp from "sharp";
import { decodeLetterbox, type Normalisation } from "./decode_letterbox.ts";
import type { LetterboxPlan } from "./letterbox.ts";

sharp.concurrency(1);
sharp.cache(false);

/** A decode request. */
export interface LetterboxJob {
  id: number;
  bytes: Uint8Array;
  plan: LetterboxPlan;
  norm: Normalisation;
}

/** The worker's answer: the letterboxed input, or why it failed. */
export interface LetterboxReply {
  id: number;
  data?: Float32Array;
  error?: string;
}

self.onmessage = async (e: MessageEvent<LetterboxJob>) => {
  const { id, bytes, plan, norm } = e.data;
  try {
    const data = await decodeLetterbox(bytes, plan, norm);
    self.postMessage({ id, data }, [data.buffer]);
  } catch (err) {
    self.postMessage({ id, error: String((err as Error)?.message ?? err) });
  }
};
