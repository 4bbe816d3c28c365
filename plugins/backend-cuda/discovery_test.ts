import assert from "node:assert/strict";
import {
  compareVersionsDesc,
  CUDA_LIB_DIR_ENV,
  discoverCudaLibraries,
  type DiscoveryEnv,
  formatDiscovery,
  searchDirs,
} from "./discovery.ts";

/** A real folder tree under a temporary root; `files` are paths relative to "/". */
function machine(files: string[], env: Record<string, string>): DiscoveryEnv & { root: string } {
  const root = Deno.makeTempDirSync();
  for (const f of files) {
    const path = `${root}${f}`;
    Deno.mkdirSync(path.replace(/\/[^/]*$/, ""), { recursive: true });
    Deno.writeTextFileSync(path, "");
  }
  return {
    root,
    env: (n) => env[n],
    list: (dir) => {
      try {
        return [...Deno.readDirSync(`${root}${dir}`)].map((e) => e.name);
      } catch {
        return [];
      }
    },
  };
}

const TOOLKIT13 = ["libcudart.so.13", "libcublas.so.13", "libnvrtc.so.13"]
  .map((f) => `/usr/local/cuda-13.0/targets/x86_64-linux/lib/${f}`);
const VENV_CUDNN = "/opt/venv/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9";

Deno.test("discovery on the GPU machine's layout: toolkit 13 plus cuDNN from the python venv", () => {
  const m = machine([...TOOLKIT13, VENV_CUDNN, "/opt/venv/bin/python3"], {
    PATH: "/opt/venv/bin:/usr/bin",
  });
  const d = discoverCudaLibraries(m);
  assert.equal(d.ok, true);
  assert.deepEqual(d.missing, []);
  assert.equal(
    d.found.cudart?.path,
    "/usr/local/cuda-13.0/targets/x86_64-linux/lib/libcudart.so.13",
  );
  assert.equal(d.found.cudart?.source, "toolkit");
  assert.equal(
    d.found.cudnn?.path,
    "/opt/venv/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9",
  );
  assert.equal(d.found.cudnn?.source, "python");
  // the driver is left to the loader
  assert.deepEqual(d.found.cuda, { path: "libcuda.so.1", source: "loader" });
  Deno.removeSync(m.root, { recursive: true });
});

Deno.test("QUADRANET_CUDA_LIB_DIR comes first, then the newest toolkit, then LD_LIBRARY_PATH", () => {
  const m = machine([
    ...TOOLKIT13,
    "/usr/local/cuda-12.9/targets/x86_64-linux/lib/libcudart.so.12",
    "/usr/local/cuda-12.10/targets/x86_64-linux/lib/libcudart.so.12",
    "/mine/libcudart.so.12",
    "/ld/libcublas.so.12",
  ], { [CUDA_LIB_DIR_ENV]: "/mine:/nothing-here/", LD_LIBRARY_PATH: "/ld" });
  const dirs = searchDirs(m).map((s) => `${s.source}:${s.dir}`);
  assert.deepEqual(dirs.slice(0, 4), [
    "env:/mine",
    "env:/nothing-here",
    "toolkit:/usr/local/cuda-13.0/targets/x86_64-linux/lib",
    "toolkit:/usr/local/cuda-13.0/lib64",
  ]);
  assert.ok(
    dirs.indexOf("toolkit:/usr/local/cuda-12.10/targets/x86_64-linux/lib") <
      dirs.indexOf("toolkit:/usr/local/cuda-12.9/targets/x86_64-linux/lib"),
  );
  assert.equal(dirs.at(-1), "LD_LIBRARY_PATH:/ld");
  const d = discoverCudaLibraries(m);
  // the explicit folder wins even with an older soname; elsewhere the newest soname wins
  assert.deepEqual(d.found.cudart, { path: "/mine/libcudart.so.12", source: "env" });
  assert.equal(
    d.found.cublas?.path,
    "/usr/local/cuda-13.0/targets/x86_64-linux/lib/libcublas.so.13",
  );
  Deno.removeSync(m.root, { recursive: true });
});

Deno.test("a machine without CUDA: not ok, one sentence naming the files, the places and the variable", () => {
  const m = machine(["/usr/bin/python3"], { PATH: "/usr/bin" });
  const d = discoverCudaLibraries(m);
  assert.equal(d.ok, false);
  assert.deepEqual(d.missing, ["cudart", "cublas", "nvrtc", "cudnn"]);
  const why = formatDiscovery(d);
  assert.match(why, /no libcudart\.so\.13\/libcudart\.so\.12, libcublas.*libnvrtc.* found/);
  assert.match(why, new RegExp(`set ${CUDA_LIB_DIR_ENV}`));
  assert.doesNotMatch(why, /optional/); // one problem at a time: the required libraries first
  const noDnn = formatDiscovery({ ...d, ok: true, missing: ["cudnn"] });
  assert.match(
    noDnn,
    /^optional libcudnn\.so\.9 not found: convolutions fall back to the cpu kernels/,
  );
  Deno.removeSync(m.root, { recursive: true });
});

Deno.test("cuDNN missing alone keeps discovery ok (it is optional)", () => {
  const m = machine(TOOLKIT13, {});
  const d = discoverCudaLibraries(m);
  assert.equal(d.ok, true);
  assert.deepEqual(d.missing, ["cudnn"]);
  Deno.removeSync(m.root, { recursive: true });
});

Deno.test("compareVersionsDesc() orders version folders numerically, unversioned last", () => {
  assert.deepEqual(
    ["cuda", "cuda-12.9", "cuda-13.0", "cuda-12.10"].sort(compareVersionsDesc),
    ["cuda-13.0", "cuda-12.10", "cuda-12.9", "cuda"],
  );
});
