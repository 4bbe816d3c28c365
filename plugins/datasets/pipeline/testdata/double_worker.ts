/**
 * A worker for the worker pool's tests: answers `{ id, n }` with
 * `{ id, twice: 2n }`, after `delayMs` (default 0), or with `{ id, error }` when n < 0.
 * @module
 */
/// <reference lib="deno.worker" />

self.onmessage = async (e: MessageEvent<{ id: number; n: number; delayMs?: number }>) => {
  const { id, n, delayMs = 0 } = e.data;
  if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  self.postMessage(n < 0 ? { id, error: `negative n: ${n}` } : { id, twice: 2 * n });
};
