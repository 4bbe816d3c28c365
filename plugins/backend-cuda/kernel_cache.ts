/**
 * Compiled kernels cached by the SHA-256 of their source: NVRTC runs once
 * per distinct source per process (first use), and any number of call sites
 * that generate the same source share one module.
 *
 * @example
 * ```ts
 * import { KernelCache, unarySource } from "@quadranet/backend-cuda";
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
  #compiles = 0;

  constructor(private readonly compile: (k: KernelSource) => T) {}

  /** The compiled kernel for `k`, compiling on first use. */
  get(k: KernelSource): T {
    const h = sourceHash(k.source);
    let v = this.#byHash.get(h);
    if (v === undefined) {
      v = this.compile(k);
      this.#compiles++;
      this.#byHash.set(h, v);
    }
    return v;
  }

  /** How many distinct sources were compiled. */
  get compiles(): number {
    return this.#compiles;
  }
}
