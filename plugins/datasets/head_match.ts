/**
 * Whether a dataset's class list fits a pre-trained classifier head, and a
 * clear error when it does not (zero-shot evaluation needs the same classes
 * in the same order).
 *
 * @example
 * ```ts
 * import { headMismatch } from "@quadranet/datasets";
 * const why = headMismatch(["n01440764", "n01443537"], ["n01440764", "n01443537"]); // null: they match
 * ```
 * @module
 */

/** Null when `classes` equals `head` position by position; else what differs, for the user. */
export function headMismatch(classes: readonly string[], head: readonly string[]): string | null {
  if (classes.length !== head.length) {
    return `the data has ${classes.length} classes and the head ${head.length}; class index = ` +
      "sorted WordNet ids (the torchvision/timm ImageFolder convention), so every class folder " +
      "must be present";
  }
  const i = classes.findIndex((c, k) => c !== head[k]);
  if (i < 0) return null;
  return `class ${i} is ${classes[i]} in the data but ${head[i]} in the head; class index = ` +
    "sorted WordNet ids (the torchvision/timm ImageFolder convention)";
}
