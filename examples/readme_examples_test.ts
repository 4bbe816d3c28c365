/**
 * Runs the first TypeScript example of every package README (core and each
 * plugin) as a program and checks what it prints: the READMEs' examples are
 * runnable, not only type-checked (`deno task check:docs` type-checks all of
 * them).
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** What each package's example must print. */
const EXPECT: Record<string, RegExp[]> = {
  "core": [/adapted layers: 1\n {2}conv2d_Conv2D1 /, /max \|adapted − base\| at init: 0\n/],
  "plugins/lora": [/LoRA parameters: 824\n/, /max \|merged − adapted\|: \d(\.\d+)?(e-[5-9])?\n/],
  "plugins/kernels": [/cubic registered: true/],
  "plugins/memory-efficient": [
    /largest gradient entry: ([1-9]\d*\.\d+|0\.[1-9])/,
    /over U, V, P gradients: (0|\d(\.\d+)?e-([5-9]|\d\d))\n/,
  ],
  "plugins/backbones": [/\[ 1, 10 \] \d+ adapted 3×3 convs/],
  "plugins/backend-blas": [/^blas 27\n/m],
  "plugins/datasets": [/^3 \[ "cat", "dog" \] 1 70\n/m],
  "plugins/backend-tfjs": [/Float32Array\(4\) \[ 3, 3, 3, 3 \]/],
  "plugins/backend-cuda": [/\[ 288, 16 \] \[ \[ 16, 1 \], \[ 0, 1 \] \]/],
};

function firstExample(readme: string): string {
  const m = Deno.readTextFileSync(readme).match(/```ts\n([\s\S]*?)```/);
  if (!m) throw new Error(`${readme} has no \`\`\`ts example`);
  return m[1];
}

for (const [pkg, patterns] of Object.entries(EXPECT)) {
  Deno.test(`README example of ${pkg} runs and prints what it says`, async () => {
    const dir = join(ROOT, pkg);
    const file = join(dir, `.readme_example_${crypto.randomUUID().slice(0, 8)}.ts`);
    await Deno.writeTextFile(file, firstExample(join(dir, "README.md")));
    const work = await Deno.makeTempDir();
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", file],
        cwd: work,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      const err = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `${pkg}: exit ${out.code}\n${text}\n${err}`);
      for (const p of patterns) assert.match(text, p, `${pkg} printed:\n${text}`);
    } finally {
      await Deno.remove(file);
      await Deno.remove(work, { recursive: true });
    }
  });
}

Deno.test("every package has a README with a TypeScript example", () => {
  const plugins = [...Deno.readDirSync(join(ROOT, "plugins"))].filter((e) => e.isDirectory)
    .map((e) => `plugins/${e.name}`);
  for (const pkg of ["core", ...plugins]) {
    assert.ok(firstExample(join(ROOT, pkg, "README.md")).length > 0, pkg);
  }
});
