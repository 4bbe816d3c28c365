/**
 * A user's own kernel method as a plugin file: `k(u, v) = u·v·(u + v)`,
 * with its partial derivatives so `backprop: "recompute"` can use it.
 *
 *     deno task train --plugin examples/cubic_kernel.ts --kernel cubic
 *
 * @module
 */
import { type KernelMethod, register, tf } from "@quadranet/core";

/** u·v·(u + v). */
export const cubic: KernelMethod = {
  name: "cubic",
  apply: (u, v) => tf.mul(tf.mul(u, v), tf.add(u, v)),
  // For closed-form backward passes (optional):
  partials: (u, v) => ({
    du: tf.add(tf.mul(tf.mul(u, v), 2), tf.square(v)), // 2uv + v²
    dv: tf.add(tf.mul(tf.mul(u, v), 2), tf.square(u)), // 2uv + u²
  }),
};

register("kernel", cubic.name, cubic);
