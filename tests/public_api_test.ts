import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const PLUGINS = fileURLToPath(new URL("../plugins/", import.meta.url));

Deno.test("plugins: every mod.ts lists its public API by name (no export *)", () => {
  const mods = [...Deno.readDirSync(PLUGINS)].filter((e) => e.isDirectory).flatMap((e) => {
    const dir = `${PLUGINS}${e.name}`;
    return [`${dir}/mod.ts`, `${dir}/eval/mod.ts`].filter((f) => {
      try {
        return Deno.statSync(f).isFile;
      } catch {
        return false;
      }
    });
  });
  assert.ok(mods.length >= 11, `found ${mods.length} plugin mod.ts files`); // 11 plugins + coco/eval
  for (const file of mods) {
    assert.doesNotMatch(Deno.readTextFileSync(file), /^export \* from/m, file);
  }
});
