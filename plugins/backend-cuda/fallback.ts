/**
 * The cpu fallback of the `cuda` backend: a kernel without a CUDA
 * implementation runs tfjs' cpu kernel on copies of its inputs and its
 * outputs are copied back, so every op gives the right answer. Each use is
 * counted; the list is printed once per process (at exit) and available to
 * tests and benches. `QUADRANET_CUDA_STRICT=1` turns a fallback into an
 * error (the GPU tests run that way for the kernels they cover).
 *
 * @example
 * ```ts
 * import { FallbackLedger } from "@quadranet/backend-cuda";
 * const ledger = new FallbackLedger(false);
 * ledger.record("Cast");
 * ledger.summary(); // "cuda: 1 kernel call ran on the cpu fallback: Cast ×1"
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

/** Raised in strict mode when a kernel would fall back to the cpu. */
export class CudaFallbackError extends Error {
  /** `kernel`: the tfjs kernel that would have fallen back. */
  constructor(readonly kernel: string) {
    super(
      `cuda: kernel ${kernel} has no CUDA implementation and QUADRANET_CUDA_STRICT=1 forbids the cpu ` +
        `fallback; unset it to run ${kernel} on the cpu with copies`,
    );
    this.name = "CudaFallbackError";
  }
}

/** Counts of fallback kernel calls, by kernel name. */
export class FallbackLedger {
  /** Fallback calls by kernel name. */
  readonly counts = new Map<string, number>();
  /** Mutable so that a test can forbid fallbacks around the kernels it checks. */
  constructor(public strict: boolean) {}

  /** Counts one fallback of `kernel`; throws {@link CudaFallbackError} when strict. */
  record(kernel: string): void {
    if (this.strict) throw new CudaFallbackError(kernel);
    this.counts.set(kernel, (this.counts.get(kernel) ?? 0) + 1);
  }

  /** Total fallback calls. */
  total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** One line listing the kernels by count, most frequent first ("" when none). */
  summary(): string {
    const n = this.total();
    if (n === 0) return "";
    const list = [...this.counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, c]) => `${k} ×${c}`).join(", ");
    return `cuda: ${n} kernel call${n === 1 ? "" : "s"} ran on the cpu fallback: ${list}`;
  }
}

/** What the fallback needs from a backend: host reads and tensor creation from host values. */
export interface HostExchange {
  /** Host copy of a tensor's values. */
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  /** A tensor from host values. */
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
  /** Frees a tensor. */
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/**
 * Wraps cpu kernel `cpuKernel` so it runs for backend `device`: inputs are
 * read to the host, the cpu kernel runs on `cpu`, outputs are written back
 * to `device`, and the cpu copies are freed.
 */
export function fallbackKernel(
  name: string,
  cpuKernel: tf.KernelFunc,
  cpu: HostExchange & tf.KernelBackend,
  ledger: FallbackLedger,
): tf.KernelFunc {
  return (args) => {
    ledger.record(name);
    const device = args.backend as unknown as HostExchange;
    const made: tf.TensorInfo[] = [];
    const inputs: Record<string, tf.TensorInfo> = {};
    for (const [k, t] of Object.entries(args.inputs as Record<string, tf.TensorInfo>)) {
      if (t == null) continue;
      const onCpu = cpu.makeTensorInfo(t.shape, t.dtype, device.readSync(t.dataId));
      made.push(onCpu);
      inputs[k] = onCpu;
    }
    try {
      const out = cpuKernel({ inputs, attrs: args.attrs, backend: cpu } as never);
      const list = Array.isArray(out) ? out : [out];
      const back = list.map((o) => {
        const t = device.makeTensorInfo(o.shape, o.dtype, cpu.readSync(o.dataId));
        cpu.disposeData(o.dataId, true);
        return t;
      });
      return Array.isArray(out) ? back : back[0];
    } finally {
      for (const t of made) cpu.disposeData(t.dataId, true);
    }
  };
}
