/**
 * Lock files: one process at a time in a run folder (or a save folder).
 * `acquireLock(dir)` creates `dir/.lock` exclusively (holding the process
 * id, its host and a token); a lock whose process is gone (killed,
 * crashed) is taken over; a live holder either makes the call fail with a
 * {@link LockedError} naming it, or, with `wait`, makes it wait. Locks are
 * re-entrant within a process. On Linux a holder is "alive" when a process
 * with its id exists; elsewhere a lock is never taken over
 * (delete `.lock` by hand after a crash). A process id reused by an
 * unrelated live process keeps a dead holder's lock: the error then says
 * to delete the file.
 *
 * @example
 * ```ts
 * import { acquireLock } from "@quadranet/core";
 * const release = await acquireLock("runs/r1", { what: "run r1" });
 * try {
 *   // ... write the run's files ...
 * } finally {
 *   await release();
 * }
 * ```
 * @module
 */
import { hostname as osHostname } from "node:os";
import { join } from "node:path";
import { QuadraNetError } from "../errors.ts";

/** The folder is locked by a live process. */
export class LockedError extends QuadraNetError {
  /** The lock file. */
  readonly lockPath: string;
  /** Who holds it. */
  readonly holder: LockHolder;
  /** `what` names the locked thing ("Run r1"). */
  constructor(lockPath: string, holder: LockHolder, what: string) {
    super(
      `${what} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); ` +
        `wait for it to finish or stop it. If no such process exists, delete ${lockPath}.`,
    );
    this.lockPath = lockPath;
    this.holder = holder;
  }
}

/** What a lock file holds. */
export interface LockHolder {
  /** The holding process. */
  pid: number;
  /** Its machine ("" when unknown). */
  host: string;
  /** Tells this holder's lock from a later one. */
  token: string;
  /** ISO time it was taken. */
  since: string;
}

/** This machine's name ("" without --allow-sys: then no lock is ever taken over). */
function hostname(): string {
  try {
    return osHostname();
  } catch {
    return "";
  }
}

/**
 * Whether the holder is certainly gone: only decidable on Linux for a lock
 * taken on this host, by the absence of `/proc/<pid>` (a stat, which needs
 * only read permission; the files inside /proc need --allow-all). A lock
 * naming this very process but not held by it is a dead process's whose id
 * was reused.
 */
function holderGone(h: LockHolder): boolean {
  if (Deno.build.os !== "linux" || !h.host || h.host !== hostname()) return false;
  if (h.pid === Deno.pid) return true; // not in `held` (checked first): a reused id
  try {
    Deno.statSync(`/proc/${h.pid}`);
    return false;
  } catch (e) {
    return e instanceof Deno.errors.NotFound;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text);
    return typeof v?.pid === "number" && typeof v?.token === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

const held = new Map<string, { token: string; count: number }>();

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** Names the locked thing in errors ("run r1"). */
  what?: string;
  /** Wait (polling) for a live holder instead of failing; `timeoutMs` bounds it. */
  wait?: boolean;
  /** How long to wait at most (default 10 minutes). */
  timeoutMs?: number;
  /** Called once when the call starts waiting. */
  onWait?: (holder: LockHolder) => void;
  /** Do not create `dir` (a missing folder is a NotFound error). */
  mustExist?: boolean;
}

/** Locks `dir` (creating it); returns the release function. */
export async function acquireLock(dir: string, o: LockOptions = {}): Promise<() => Promise<void>> {
  const path = join(dir, ".lock");
  const what = o.what ?? dir;
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return () => release(path);
  }
  if (!o.mustExist) await Deno.mkdir(dir, { recursive: true });
  const me: LockHolder = {
    pid: Deno.pid,
    host: hostname(),
    token: crypto.randomUUID(),
    since: new Date().toISOString(),
  };
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  let waited = false;
  for (;;) {
    try {
      const f = await Deno.open(path, { createNew: true, write: true });
      try {
        await f.write(new TextEncoder().encode(JSON.stringify(me)));
      } finally {
        f.close();
      }
      held.set(path, { token: me.token, count: 1 });
      return () => release(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch { /* released meanwhile: try again */ }
    if (text === "") {
      // Being written this instant, or torn by a kill between create and write.
      const age = await Deno.stat(path).then(
        (s) => Date.now() - (s.mtime?.getTime() ?? 0),
        () => 0,
      );
      if (age < 2000) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
    }
    const holder = parseHolder(text);
    if (!holder || holderGone(holder)) {
      // Stale (its process is gone) or torn (killed while writing it): move it aside
      // atomically, so of two processes taking over, only one succeeds.
      const aside = `${path}.stale-${me.token.slice(0, 8)}`;
      try {
        await Deno.rename(path, aside);
        const moved = await Deno.readTextFile(aside);
        if (moved !== text) await Deno.rename(aside, path); // someone else's fresh lock: back
        else await Deno.remove(aside);
      } catch { /* another process took it over first */ }
      continue;
    }
    if (!o.wait || Date.now() > deadline) throw new LockedError(path, holder, what);
    if (!waited) o.onWait?.(holder);
    waited = true;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function release(path: string): Promise<void> {
  const mine = held.get(path);
  if (!mine) return;
  if (--mine.count > 0) return;
  held.delete(path);
  try {
    const holder = parseHolder(await Deno.readTextFile(path));
    if (holder?.token === mine.token) await Deno.remove(path);
  } catch { /* already gone */ }
}

/**
 * Runs `fn` holding `dir`'s lock (waiting for a writer to finish) when the
 * folder is writable; in a read-only folder (no lock can be made, so no
 * writer either) it just runs `fn`. Loaders use it so that a load never
 * sees a save half-way.
 */
export async function withReadLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  let release: (() => Promise<void>) | undefined;
  try {
    release = await acquireLock(dir, { what: dir, wait: true, mustExist: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotFound)) {
      throw e;
    }
  }
  try {
    return await fn();
  } finally {
    await release?.();
  }
}
