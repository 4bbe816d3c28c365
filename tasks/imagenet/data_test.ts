import assert from "node:assert/strict";
import { ConfigError } from "@quadranet/core";
import { join } from "node:path";
import { detectLayout, layoutsHelp, openData } from "./data.ts";

const FIX = new URL("../../plugins/datasets/testdata/", import.meta.url).pathname;

Deno.test("detectLayout tells ImageFolder from ILSVRC-2012 as distributed", async () => {
  assert.equal(await detectLayout("imagenet-1k", join(FIX, "imagefolder")), "image-folder");
  assert.equal(await detectLayout("imagenet-1k", join(FIX, "ilsvrc_kaggle")), "ilsvrc2012");
  assert.equal(await detectLayout("imagenet-1k", join(FIX, "ilsvrc_devkit")), "ilsvrc2012");
  assert.equal(await detectLayout("imagenet-21k-p", join(FIX, "imagenet21k")), "imagenet-21k-p");
});

Deno.test("openData applies --per-class and --val-per-class to each layout alike", async () => {
  for (const root of ["imagefolder", "ilsvrc_kaggle", "ilsvrc_devkit"]) {
    const d = await openData("imagenet-1k", {
      data: join(FIX, root),
      layout: "auto",
      perClass: 2,
      valPerClass: 1,
    });
    assert.equal(d.train.length, 8, root);
    assert.equal(d.val.length, 4, root);
    assert.deepEqual(d.train.classes, d.val.classes);
  }
});

Deno.test("openData without --data or with a missing folder explains the layouts", async () => {
  await assert.rejects(() => openData("imagenet-1k", {}), ConfigError);
  await assert.rejects(
    () => openData("imagenet-1k", { data: "/nonexistent/imagenet" }),
    (e: Error) => /does not exist/.test(e.message) && /ILSVRC-2012/.test(e.message),
  );
  assert.match(layoutsHelp("imagenet-21k-p"), /imagenet21k_val\/<wnid>/);
});
