/**
 * Finds and opens a CBLAS library (OpenBLAS, reference CBLAS, Apple
 * Accelerate) through `Deno.dlopen`, exposing row-major `sgemm`.
 *
 * The library named by `QUADRANET_BLAS_LIB` is tried first, then the usual
 * names on Linux and macOS. Needs `--allow-ffi` (and `--allow-env` to read
 * the variable).
 *
 * @example
 * ```ts
 * import { openBlas } from "@quadranet/backend-blas";
 * const blas = openBlas(); // throws BlasUnavailableError with an install hint
 * const a = new Float32Array([1, 2, 3, 4]), c = new Float32Array(4);
 * blas.sgemm(false, false, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2); // c = a·a
 * ```
 * @module
 */

/** Environment variable naming the BLAS shared library to load. */
export const BLAS_ENV = "QUADRANET_BLAS_LIB";

/** How to get a BLAS library, printed when none loads. */
export const BLAS_INSTALL_HINT: string =
  "install OpenBLAS (Debian/Ubuntu: `apt-get install libopenblas0`; Fedora: `dnf install openblas`; " +
  "macOS uses Accelerate) or set " + BLAS_ENV + " to the path of a CBLAS shared library";

/** Raised when no CBLAS library can be opened. */
export class BlasUnavailableError extends Error {
  /** An error listing the libraries `tried` and why each failed. */
  constructor(readonly tried: string[], readonly reasons: string[]) {
    super(
      `No BLAS library could be loaded (tried: ${tried.join(", ")}); ${BLAS_INSTALL_HINT}` +
        (reasons.length ? `\n  ${reasons.join("\n  ")}` : ""),
    );
    this.name = "BlasUnavailableError";
  }
}

const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32", // order
      "i32", // transA
      "i32", // transB
      "i32", // M
      "i32", // N
      "i32", // K
      "f32", // alpha
      "buffer", // A
      "i32", // lda
      "buffer", // B
      "i32", // ldb
      "f32", // beta
      "buffer", // C
      "i32", // ldc
    ],
    result: "void",
  },
} as const;

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** An opened CBLAS library. */
export interface Blas {
  /** The path or name it was opened from. */
  readonly path: string;
  /**
   * Row-major `C = alpha·op(A)·op(B) + beta·C`, `op(A)` M×K, `op(B)` K×N.
   * Views may be subarrays: their byte offset is honoured.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
}

/** Library names tried, in order, after {@link BLAS_ENV}. */
export function candidateLibraries(os: string = Deno.build.os): string[] {
  if (os === "darwin") {
    return [
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
      "libopenblas.dylib",
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
    ];
  }
  if (os === "windows") return ["libopenblas.dll", "openblas.dll"];
  return ["libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3", "libcblas.so"];
}

function envLibrary(): string | undefined {
  try {
    return Deno.env.get(BLAS_ENV) || undefined;
  } catch {
    return undefined; // no --allow-env: fall through to the usual names
  }
}

let cached: Blas | undefined;

/** Opens the first CBLAS library that loads; cached per process. */
export function openBlas(): Blas {
  if (cached) return cached;
  const env = envLibrary();
  const tried = env ? [env] : candidateLibraries();
  const reasons: string[] = [];
  for (const path of tried) {
    try {
      const lib = Deno.dlopen(path, SYMBOLS);
      cached = wrap(path, lib.symbols.cblas_sgemm);
      return cached;
    } catch (e) {
      reasons.push(`${path}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  throw new BlasUnavailableError(tried, reasons);
}

// deno-lint-ignore no-explicit-any
function wrap(path: string, fn: (...args: any[]) => void): Blas {
  return {
    path,
    sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      if (m === 0 || n === 0) return;
      if (k === 0) {
        if (beta === 0) c.fill(0);
        return;
      }
      fn(
        ROW_MAJOR,
        transA ? TRANS : NO_TRANS,
        transB ? TRANS : NO_TRANS,
        m,
        n,
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc,
      );
    },
  };
}
