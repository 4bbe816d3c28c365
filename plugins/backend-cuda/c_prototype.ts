/**
 * Turns C prototypes, written as in NVIDIA's headers, into `Deno.dlopen`
 * symbol definitions, so that each FFI table reads line by line against the
 * header it came from. Pointer parameters are `"pointer"` (device memory,
 * opaque handles) unless marked `HOST`, which makes them `"buffer"` (a
 * TypedArray in host memory: out-parameters, host scalars, strings).
 *
 * @example
 * ```ts
 * import { parsePrototype } from "./c_prototype.ts";
 * parsePrototype("cudaError_t cudaMalloc(HOST void** devPtr, size_t size)");
 * // { name: "cudaMalloc", def: { parameters: ["buffer", "usize"], result: "i32" } }
 * ```
 * @module
 */

/** One parsed prototype. */
export interface ParsedPrototype {
  /** The C function name. */
  name: string;
  /** Its `Deno.dlopen` definition. */
  def: { parameters: Deno.NativeType[]; result: Deno.NativeResultType };
}

/** Scalar C types by name (enums and status codes are C ints). */
const SCALARS: Record<string, Deno.NativeType> = {
  "int": "i32",
  "unsigned int": "u32",
  "size_t": "usize",
  "long long int": "i64",
  "long long": "i64",
  "float": "f32",
  "double": "f64",
};

/** Enum and status types (all `int`-sized in these ABIs). */
const ENUMS = new Set([
  "cudaError_t",
  "cudaMemcpyKind",
  "cudaDeviceAttr",
  "CUresult",
  "CUdevice",
  "CUdevice_attribute",
  "nvrtcResult",
  "cublasStatus_t",
  "cublasOperation_t",
  "cublasMath_t",
  "cudnnStatus_t",
  "cudnnTensorFormat_t",
  "cudnnDataType_t",
  "cudnnConvolutionMode_t",
  "cudnnMathType_t",
  "cudnnConvolutionFwdAlgo_t",
  "cudnnConvolutionBwdDataAlgo_t",
  "cudnnConvolutionBwdFilterAlgo_t",
]);

/** Opaque handle types (pointers to driver-side structs). */
const HANDLES = new Set([
  "cudaStream_t",
  "CUstream",
  "CUcontext",
  "CUmodule",
  "CUfunction",
  "nvrtcProgram",
  "cublasHandle_t",
  "cudnnHandle_t",
  "cudnnTensorDescriptor_t",
  "cudnnFilterDescriptor_t",
  "cudnnConvolutionDescriptor_t",
]);

/** Struct types only ever passed by pointer. */
const STRUCTS = new Set([
  "cudnnConvolutionFwdAlgoPerf_t",
  "cudnnConvolutionBwdDataAlgoPerf_t",
  "cudnnConvolutionBwdFilterAlgoPerf_t",
  "void",
  "char",
]);

/** Maps one C type (qualifiers removed, `*`s counted) to a Deno native type. */
function nativeType(raw: string, where: string): Deno.NativeType | "void" {
  let t = raw.replace(/\bconst\b/g, " ").replace(/\s+/g, " ").trim();
  const host = /^HOST\b/.test(t);
  t = t.replace(/^HOST\s*/, "");
  const stars = (t.match(/\*/g) ?? []).length;
  const base = t.replace(/\*/g, "").trim();
  const known = base in SCALARS || ENUMS.has(base) || HANDLES.has(base) || STRUCTS.has(base);
  if (!known) throw new Error(`${where}: unknown C type "${base}"`);
  if (stars === 0) {
    if (host) throw new Error(`${where}: HOST marks a pointer, not "${raw.trim()}"`);
    if (base === "void") return "void";
    if (STRUCTS.has(base)) throw new Error(`${where}: struct "${base}" passed by value`);
    return HANDLES.has(base) ? "pointer" : ENUMS.has(base) ? "i32" : SCALARS[base];
  }
  return host ? "buffer" : "pointer";
}

/** Parses `ret name(type a, type b, ...)`; throws naming the prototype on anything unknown. */
export function parsePrototype(proto: string): ParsedPrototype {
  const m = proto.replace(/\s+/g, " ").trim().match(/^(.+?)\s*\b(\w+)\s*\((.*)\)\s*;?$/);
  if (!m) throw new Error(`cannot parse C prototype "${proto}"`);
  const [, ret, name, args] = m;
  const result = nativeType(ret, `${name} result`) as Deno.NativeResultType;
  const list = args.trim() === "void" || args.trim() === "" ? [] : args.split(",");
  const parameters = list.map((a, i) => {
    // drop the parameter name: the last identifier, unless the type ends in '*'
    const typ = a.trim().replace(/\s*\b\w+$/, (w) => (/\*$/.test(a.trim()) ? w : ""));
    const t = nativeType(typ || a, `${name} parameter ${i + 1}`);
    if (t === "void") throw new Error(`${name} parameter ${i + 1}: void`);
    return t;
  });
  return { name, def: { parameters, result } };
}

/** Parses a list of prototypes into a `Deno.dlopen` symbol table. */
export function symbolTable(protos: readonly string[]): Record<string, ParsedPrototype["def"]> {
  const out: Record<string, ParsedPrototype["def"]> = {};
  for (const p of protos) {
    const { name, def } = parsePrototype(p);
    if (out[name]) throw new Error(`duplicate prototype ${name}`);
    out[name] = def;
  }
  return out;
}
