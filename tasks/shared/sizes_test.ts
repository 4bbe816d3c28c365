import assert from "node:assert/strict";
import { sizedOption, sizeOption, withSizes } from "./sizes.ts";

Deno.test("withSizes() picks default, --full or --quick; explicit values win", () => {
  const sizes = {
    epochs: [3, 6, 1] as [number, number, number],
    width: [8, 16, 4] as [number, number, number],
  };
  assert.deepEqual(withSizes(sizes, {}), { epochs: 3, width: 8 });
  assert.deepEqual(withSizes(sizes, { full: true }), { full: true, epochs: 6, width: 16 });
  assert.deepEqual(withSizes(sizes, { quick: true, width: 5 }), {
    quick: true,
    epochs: 1,
    width: 5,
  });
  assert.throws(() => withSizes(sizes, { quick: true, full: true }), /exclude each other/);
});

Deno.test("withSizes() on [default, quick] rows; an undefined preset leaves the option unset", () => {
  const sizes = { backbone: ["resnet50", "resnet18_w4"], imageSize: [undefined, 32] } as const;
  assert.deepEqual(withSizes(sizes, {}), { backbone: "resnet50" });
  assert.deepEqual(withSizes(sizes, { quick: true }), {
    quick: true,
    backbone: "resnet18_w4",
    imageSize: 32,
  });
});

Deno.test("size options say their presets in --help and leave the default unset", () => {
  const three = sizeOption({ width: [8, 16, 4] }, "width", "channels", 1, 512);
  assert.deepEqual(three, {
    name: "width",
    type: "number",
    integer: true,
    min: 1,
    max: 512,
    default: undefined,
    help: "channels (default 8; --full: 16; --quick: 4)",
  });
  const two = sizedOption(
    { imageSize: [undefined, 32] },
    { name: "imageSize", type: "number", help: "input side" },
    "the backbone's",
  );
  assert.equal(two.help, "input side (default the backbone's; --quick: 32)");
  assert.throws(() => sizeOption({}, "epochs", "epochs"), /no size preset for option "epochs"/);
});
