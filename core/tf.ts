/**
 * The one TensorFlow.js namespace of the project.
 *
 * Plugins, tasks, tests and users import `tf` from `@quadranet/core` so that
 * every part shares one engine, one backend registry and one
 * serialization map (a second copy of tfjs would not see custom layers or
 * backends registered through this one).
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * const y = tf.tidy(() => tf.ones([2, 2]).mul(3));
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

// Start on the cpu backend so that the first op does not probe others. The
// cpu backend initialises synchronously: `setBackend` has switched by the time
// it returns its (already settled) promise, so no top-level await is needed.
void tf.setBackend("cpu");
// tfjs' cpu backend prints an install hint for tfjs-node on its first write
// in any non-browser runtime. Backends are chosen by this project's own
// selection, which says what it picked, so the hint is noise here.
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;

/** The TensorFlow.js namespace (`@tensorflow/tfjs` 4.22), one instance for the whole project. */
export * as tf from "./tfjs.ts";
