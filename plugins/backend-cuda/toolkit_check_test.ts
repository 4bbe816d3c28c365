/**
 * Checks against the real CUDA toolkit where one is installed (no GPU needed):
 *
 * 1. every generated kernel compiles with `nvcc -cubin` for sm_90 (H100/H200)
 *    and sm_80, with warnings as errors: the source is valid CUDA C++ for the
 *    same front end NVRTC uses;
 * 2. every runtime- and driver-API prototype of symbols.ts is assignment-
 *    compatible with NVIDIA's own declaration in `cuda_runtime_api.h` /
 *    `cuda.h` (a C++ function-pointer initialisation fails on any mismatch)
 *    and names an exported symbol, not a macro for a versioned one.
 */
import assert from "node:assert/strict";
import { CUDA_DRIVER_PROTOTYPES, CUDART_PROTOTYPES } from "./symbols.ts";
import { findToolkit } from "./testing/cuda_toolkit.ts";
import { ALL_KERNELS } from "./testing/kernel_variants.ts";

const tk = findToolkit();
/** nvcc preprocesses with the host compiler, and the header check compiles with it. */
const gxx = await new Deno.Command("g++", { args: ["--version"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success, () => false);
if (!tk?.nvcc || !gxx) console.log("skipping nvcc compile test: no CUDA toolkit (nvcc) or no g++");
if (!tk?.include || !gxx) console.log("skipping header check: no CUDA headers (cuda.h) or no g++");

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; err: string }> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  return {
    ok: out.success,
    err: new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout),
  };
}

Deno.test({
  name: "every generated kernel compiles with nvcc to sm_90 and sm_80 cubins (warnings are errors)",
  ignore: !tk?.nvcc || !gxx,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "qn_nvcc_" });
    const src = ALL_KERNELS.map((k) => `${k.source}#undef GRID_LOOP\n`).join("\n");
    await Deno.writeTextFile(`${dir}/all.cu`, src);
    for (const arch of ["sm_90", "sm_80"]) {
      const r = await run(tk!.nvcc!, [
        "-cubin",
        `-arch=${arch}`,
        "-Werror",
        "all-warnings",
        "-o",
        `${dir}/all_${arch}.cubin`,
        `${dir}/all.cu`,
      ]);
      assert.ok(r.ok, `nvcc ${arch}:\n${r.err.slice(0, 3000)}`);
      const size = Deno.statSync(`${dir}/all_${arch}.cubin`).size;
      assert.ok(size > 10_000, `${arch} cubin has ${size} bytes`);
    }
    // every kernel is in the binary under its extern "C" name
    const names = new TextDecoder("latin1").decode(Deno.readFileSync(`${dir}/all_sm_90.cubin`));
    for (const k of ALL_KERNELS) {
      assert.ok(names.includes(k.name), `${k.name} missing from the cubin`);
    }
    await Deno.remove(dir, { recursive: true });
  },
});

/** `ret name(args)` → a checked function-pointer initialisation (HOST is ours, not C). */
function pointerCheck(proto: string): string {
  const c = proto.replace(/\bHOST\s+/g, "");
  const m = c.match(/^(.+?)\s*\b(\w+)\s*\((.*)\)$/)!;
  const [, ret, name, args] = m;
  return `#ifdef ${name}\n#error ${name} is a macro (a versioned symbol): bind the versioned name\n#endif\n` +
    `static ${ret} (*check_${name})(${args}) = ${name};\n`;
}

Deno.test({
  name: "runtime and driver prototypes match NVIDIA's headers and name real exports",
  ignore: !tk?.include || !gxx,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "qn_hdr_" });
    const src = `#include <cuda_runtime_api.h>\n#include <cuda.h>\n` +
      [...CUDART_PROTOTYPES, ...CUDA_DRIVER_PROTOTYPES].map(pointerCheck).join("");
    await Deno.writeTextFile(`${dir}/check.cpp`, src);
    const r = await run("g++", [
      "-fsyntax-only",
      "-Wno-unused-variable",
      `-I${tk!.include}`,
      `${dir}/check.cpp`,
    ]);
    assert.ok(r.ok, `prototype mismatch against the headers:\n${r.err.slice(0, 3000)}`);
    await Deno.remove(dir, { recursive: true });
  },
});
