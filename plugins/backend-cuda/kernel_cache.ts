/**
 * Compiled kernels cached by the SHA-256 of their source: NVRTC runs once
 * per distinct source per process (first use), and any number of call sites
 * that generate the same source share one module.
 *
 * @example
 * ```ts
 * import { KernelCache } from "@quadranet/backend-cuda";
 * import { unarySource } from "./elementwise_kernels.ts";
 * const cache = new KernelCache((k) => k.name.length); // the GPU passes NVRTC + cuModuleLoadData
 * cache.get(unarySource("Relu"));
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import type { KernelSource } from "./kernel_source.ts";

/** Hex SHA-256 of a kernel's source. */
export function sourceHash(source: string): string {
  return createHash("sha256").update(source).digest("hex");
}

/** A compile-once map from kernel source to what `compile` made of it. */
export class KernelCache<T> {
  #byHash = new Map<string, T>();
  /** Launch-path shortcut: the last source seen under each name (string compare, no hashing). */
  #byName = new Map<string, { source: string; value: T }>();
  #compiles = 0;

  /** A cache that calls `compile` once per distinct source. */
  constructor(private readonly compile: (k: KernelSource) => T) {}

  /** The compiled kernel for `k`, compiling on first use. */
  get(k: KernelSource): T {
    const seen = this.#byName.get(k.name);
    if (seen && seen.source === k.source) return seen.value;
    const h = sourceHash(k.source);
    let v = this.#byHash.get(h);
    if (v === undefined) {
      v = this.compile(k);
      this.#compiles++;
      this.#byHash.set(h, v);
    }
    this.#byName.set(k.name, { source: k.source, value: v });
    return v;
  }

  /** How many distinct sources were compiled. */
  get compiles(): number {
    return this.#compiles;
  }
}
