import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { startInBackground, waitForExit } from "./orphan.ts";

Deno.test("an orphaned command runs on without its shell until it ends or is killed", async () => {
  const child = await startInBackground("sleep 30");
  assert.ok(Number.isInteger(child.pid) && child.pid > 1);
  await child.orphan();
  // `sleep` does not watch its parent: still there after the shell died.
  assert.equal(await waitForExit(child.pid, 200), false);
  assert.ok(existsSync(`/proc/${child.pid}`));
  Deno.kill(child.pid, "SIGKILL");
  assert.equal(await waitForExit(child.pid, 5000), true);
});

Deno.test("waitForExit sees a command that ends by itself", async () => {
  const child = await startInBackground("sleep 0.2");
  await child.orphan();
  assert.equal(await waitForExit(child.pid, 5000), true);
});
