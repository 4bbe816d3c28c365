/**
 * Batches from a {@link DataSource}: each item read, decoded and transformed
 * on the {@link DecodePool}'s workers, packed into one NHWC float array, with
 * a bounded read-ahead of whole batches so decoding overlaps training.
 * Generic over the target type (class index, boxes...), so any dataset reuses it.
 *
 * @example
 * ```ts
 * import type { DataSource } from "@quadranet/core";
 * import { BatchLoader, DecodePool } from "@quadranet/datasets";
 * declare const source: DataSource<number>;
 * const pool = new DecodePool(2);
 * const loader = new BatchLoader(source, { transform: { kind: "eval", size: 224 }, pool, prefetch: 4 });
 * for await (const b of loader.batches([{ indices: [0, 1, 2], seed: 0 }])) console.log(b.count);
 * pool.close();
 * ```
 * @module
 */
import type { DataSource } from "../types.ts";
import type { Decoded } from "./decode.ts";
import { IssueLog } from "./issue_log.ts";
import type { DecodePool } from "./pool.ts";
import type { TransformSpec } from "./transforms.ts";

/** Which items one batch holds and the seed of its augmentation. */
export interface BatchPlan {
  /** Source indices of the batch's items. */
  indices: ArrayLike<number>;
  /** Seed of the batch's augmentation. */
  seed: number;
}

/** One decoded batch; skipped items are left out (`count` may be below the plan's size). */
export interface Batch<T> {
  /** NHWC floats, `count × size × size × 3`. */
  x: Float32Array;
  /** Image side. */
  size: number;
  /** Images kept. */
  count: number;
  /** Their targets. */
  targets: T[];
  /** Source indices of the items kept, in order. */
  indices: number[];
}

/** Options of {@link BatchLoader}. */
export interface LoaderOptions {
  /** How images become tensors. */
  transform: TransformSpec;
  /** The decode workers. */
  pool: DecodePool;
  /** Batches decoded ahead of the consumer (default 2). */
  prefetch?: number;
  /** Where conversions and skips are counted and logged (default: a silent ledger). */
  issues?: IssueLog;
}

/** The per-image augmentation seed: a hash of the batch seed and the item index. */
export function imageSeed(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x85ebca6b, 0xc2b2ae35) ^ Math.imul(index + 1, 0x27d4eb2f);
  h ^= h >>> 15;
  return Math.imul(h, 0x165667b1) >>> 0;
}

/** Reads, decodes and packs batches of a data source. */
export class BatchLoader<T> {
  /** Where conversions and skips are counted. */
  readonly issues: IssueLog;

  /** A loader of `source` with options `o`. */
  constructor(readonly source: DataSource<T>, readonly o: LoaderOptions) {
    this.issues = o.issues ?? new IssueLog();
  }

  async #item(index: number, seed: number): Promise<{ d: Decoded; target: T; index: number }> {
    const { path, target } = this.source.describe(index);
    let d: Decoded;
    try {
      const rec = await this.source.read(index);
      d = await this.o.pool.decode(rec.bytes, rec.path, this.o.transform, imageSeed(seed, index));
    } catch (e) {
      if (e instanceof Error && /DecodePool|decode worker/.test(e.message)) throw e;
      const detail = `cannot read: ${(e as Error).message ?? e}`;
      d = { data: null, issues: [{ kind: "corrupt", action: "skipped", detail }] };
    }
    this.issues.record(path, d.issues);
    return { d, target, index };
  }

  /** Loads one batch. */
  async load(plan: BatchPlan): Promise<Batch<T>> {
    const items = await Promise.all(
      Array.from(plan.indices, (i) => this.#item(i, plan.seed)),
    );
    const kept = items.filter((it) => it.d.data !== null);
    const size = this.o.transform.size, per = size * size * 3;
    const x = new Float32Array(kept.length * per);
    kept.forEach((it, k) => x.set(it.d.data!, k * per));
    return {
      x,
      size,
      count: kept.length,
      targets: kept.map((it) => it.target),
      indices: kept.map((it) => it.index),
    };
  }

  /** Yields the batches of `plans` in order, decoding up to `prefetch` batches ahead. */
  async *batches(plans: Iterable<BatchPlan>): AsyncGenerator<Batch<T>> {
    const ahead = Math.max(1, this.o.prefetch ?? 2);
    const queue: Promise<Batch<T>>[] = [];
    const it = plans[Symbol.iterator]();
    const fill = () => {
      while (queue.length < ahead) {
        const n = it.next();
        if (n.done) return;
        const p = this.load(n.value);
        p.catch(() => {}); // awaited below; avoid an unhandled rejection if abandoned
        queue.push(p);
      }
    };
    fill();
    while (queue.length) {
      const b = await queue.shift()!;
      fill();
      yield b;
    }
  }
}
