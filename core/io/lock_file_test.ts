import assert from "node:assert/strict";
import { join } from "node:path";
import { acquireLock, LockedError } from "./lock_file.ts";

const LOCK = new URL("./lock_file.ts", import.meta.url).href;

/** A child Deno process running `code` (with `acquireLock` imported). */
function child(code: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", `import { acquireLock } from "${LOCK}";\n${code}`],
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("lock: a live holder in another process is named; re-entrant in one process", async () => {
  const dir = await Deno.makeTempDir();
  const release = await acquireLock(dir, { what: "run r1" });
  const again = await acquireLock(dir); // re-entrant
  const out = await child(
    `try { await acquireLock(${JSON.stringify(dir)}, { what: "run r1" }); console.log("got it"); }
     catch (e) { console.log(e.message); }`,
  ).output();
  const said = new TextDecoder().decode(out.stdout);
  assert.match(said, new RegExp(`^run r1 is in use by process ${Deno.pid} on `));
  await again();
  assert.ok((await Deno.stat(join(dir, ".lock"))).isFile); // still held once
  await release();
  await assert.rejects(() => Deno.stat(join(dir, ".lock")), Deno.errors.NotFound);
});

Deno.test("lock: the lock of a killed process is taken over; a torn lock too", async () => {
  const dir = await Deno.makeTempDir();
  const p = child(
    `await acquireLock(${
      JSON.stringify(dir)
    }); console.log("locked"); await new Promise((r) => setTimeout(r, 120_000));`,
  )
    .spawn();
  const reader = p.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value?.trim(), "locked");
  await assert.rejects(() => acquireLock(dir), LockedError);
  p.kill("SIGKILL");
  await p.status;
  await reader.cancel();
  await p.stderr.cancel();
  const release = await acquireLock(dir); // the holder is gone: taken over
  await release();
  const torn = join(dir, ".lock");
  await Deno.writeTextFile(torn, '{"pid": 12'); // killed mid-write
  const r2 = await acquireLock(dir);
  await r2();
});

Deno.test("lock: 6 concurrent writers with wait serialize a read-modify-write (no lost update)", async () => {
  const dir = await Deno.makeTempDir();
  const counter = join(dir, "counter.txt");
  await Deno.writeTextFile(counter, "0");
  const code = `
    const release = await acquireLock(${JSON.stringify(dir)}, { wait: true });
    const n = Number(await Deno.readTextFile(${JSON.stringify(counter)}));
    await new Promise((r) => setTimeout(r, 30)); // widen the race window
    await Deno.writeTextFile(${JSON.stringify(counter)}, String(n + 1));
    await release();`;
  const outs = await Promise.all(Array.from({ length: 6 }, () => child(code).output()));
  for (const o of outs) assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
  assert.equal(await Deno.readTextFile(counter), "6"); // 6 increments, none lost
});
