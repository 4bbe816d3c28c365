import assert from "node:assert/strict";
import { lookup, selectBackend, tf } from "@quadranet/core";
import "../backend-tfjs/mod.ts";
import { BLAS_BACKEND, BLAS_KERNELS, openBlas } from "./mod.ts";

const required = Deno.env.get("QUADRANET_REQUIRE_BLAS") === "1";
let available = true;
try {
  openBlas();
} catch (e) {
  if (required) throw e;
  available = false;
}

Deno.test({
  name: "selectBackend('auto') picks blas over wasm and cpu when OpenBLAS loads",
  ignore: !available,
  async fn() {
    const lines: string[] = [];
    const chosen = await selectBackend("auto", { log: (s) => lines.push(s) });
    try {
      assert.equal(chosen.name, "blas");
      assert.equal(tf.getBackend(), "blas");
      assert.match(lines.join("\n"), /backend: blas \(.*blas.*\) \[auto\]/);
      // tfjs-node(-gpu) are not installed here: skipped quietly, with the reason recorded.
      assert.deepEqual(chosen.skipped.map((s) => s.name), ["tfjs-node-gpu", "tfjs-node"]);
      // The overridden kernels really are ours, not the cpu ones under a new name.
      for (const name of Object.keys(BLAS_KERNELS)) {
        assert.notEqual(
          tf.getKernel(name, BLAS_BACKEND)?.kernelFunc,
          tf.getKernel(name, "cpu")?.kernelFunc,
          name,
        );
      }
    } finally {
      await tf.setBackend("cpu");
    }
  },
});

Deno.test("selectBackend names the registered backends for an unknown one", async () => {
  await assert.rejects(() => selectBackend("tpu", { quiet: true }), /blas.*cpu|cpu.*blas/s);
});

Deno.test("tfjs-node-gpu, when not installed, fails with what to install", async () => {
  const p = lookup("backend", "tfjs-node-gpu");
  await assert.rejects(
    () => p.init(),
    /npm install @tensorflow\/tfjs-node-gpu@4\.22\.0.*CUDA 11\.2/s,
  );
});

Deno.test("without a BLAS library, auto selection falls back and says how to install OpenBLAS", async () => {
  const code = `
    import { selectBackend } from "@quadranet/core";
    import "@quadranet/backend-tfjs";
    import "@quadranet/backend-blas";
    const c = await selectBackend("auto");
    console.log("CHOSEN=" + c.name);`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    env: { QUADRANET_BLAS_LIB: "/nonexistent/libopenblas.so" },
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.match(stdout, /CHOSEN=(wasm|cpu)/);
  assert.match(stderr, /no OpenBLAS\/CBLAS library found.*apt-get install libopenblas0/);
  assert.equal(stderr.match(/libopenblas0/g)?.length, 1, "install hint printed once");
});
