import assert from "node:assert/strict";
import { ConfigError } from "@quadranet/core";
import { checkWeightsFile } from "./weights_file.ts";

const DATA = new URL("../../plugins/backbones/testdata/", import.meta.url).pathname;

Deno.test("checkWeightsFile: passes a real checkpoint, names a missing, foreign or odd file", async () => {
  await checkWeightsFile(undefined);
  await checkWeightsFile("");
  await checkWeightsFile(`${DATA}resnet18_w4.safetensors`);
  const dir = await Deno.makeTempDir();
  try {
    const cases: [string, RegExp][] = [
      [`${dir}/gone.safetensors`, /--weights .*gone\.safetensors: no such file/],
      [`${dir}/gone/model.json`, /--weights .*model\.json: no such file/],
      [`${dir}/weights.pt`, /--weights .*weights\.pt: expected a \.safetensors file or a tfjs/],
    ];
    await Deno.writeTextFile(
      `${dir}/text.safetensors`,
      "plain text, long enough to read a length\n",
    );
    cases.push([`${dir}/text.safetensors`, /text\.safetensors is not a safetensors file/]);
    for (const [path, want] of cases) {
      await assert.rejects(
        () => checkWeightsFile(path),
        (e: Error) => e instanceof ConfigError && e.field === "weights" && want.test(e.message),
        path,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
