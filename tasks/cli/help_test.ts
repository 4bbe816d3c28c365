import assert from "node:assert/strict";
import { lookup } from "@quadranet/core";
import "../coco/mod.ts";
import { helpText } from "./help.ts";

Deno.test("help lists the head kind, points at per-task help, and prints no empty default", () => {
  const text = helpText(lookup("task", "coco"));
  assert.match(text, /^ {2}head +centernet, fcos$/m);
  assert.match(text, /deno task train NAME --help` shows a task's own options/);
  assert.doesNotMatch(text, /\(default: \)/);
  // an option with an empty-string default shows no default; one with a value shows it
  assert.match(text, /^ {2}--weights VALUE +pre-trained backbone[^\n]*cached\)$/m);
  assert.match(text, /--head VALUE .*\(default: centernet\)/);
});
