/**
 * Compute-backend selection. Backend plugins register as kind `"backend"`;
 * {@link selectBackend} initialises the one named, or automatically the
 * highest-priority one that initialises on this machine, and says which.
 *
 * @example
 * ```ts
 * import { selectBackend } from "@quadranet/core";
 * import "@quadranet/backend-blas"; // and/or other backend plugins
 * const chosen = await selectBackend("auto"); // prints "backend: blas (...)"
 * ```
 * @module
 */
import { BackendUnavailableError, UnknownPluginError } from "../errors.ts";
import { lookup, registered } from "./default_registry.ts";
import { tf } from "../tf.ts";

/** A compute backend plugin. */
export interface BackendPlugin {
  /** Name used by `--backend` and in run records. */
  readonly name: string;
  /** Automatic selection tries higher priorities first. */
  readonly priority: number;
  /**
   * Makes the backend usable and returns the tfjs backend name plus a detail
   * for the record (library path, device); throws
   * {@link BackendUnavailableError} with an install hint when it cannot.
   * `auto` is true when automatic selection tries it: a backend may then
   * decline where it works but would be slower than the next one (a software
   * GPU adapter).
   */
  init(options?: { auto?: boolean }): Promise<{ tfjsName: string; detail?: string }>;
  /** Whether automatic selection should print why it skipped this one. */
  readonly announceSkip?: boolean;
  /** Why it cannot train (missing gradient kernels), if it cannot; inference only then. */
  readonly cannotTrain?: string;
}

/** What {@link selectBackend} chose. */
export interface SelectedBackend {
  /** The backend plugin's name. */
  name: string;
  /** The tfjs backend it activated. */
  tfjsName: string;
  /** Library path, device or similar, for the record. */
  detail?: string;
  /** Backends tried before it, with the reason each was skipped. */
  skipped: { name: string; reason: string }[];
}

/** tfjs' own pure-JavaScript cpu backend: always there, slowest (priority 0). */
export const cpuBackendPlugin: BackendPlugin = {
  name: "cpu",
  priority: 0,
  init: () => Promise.resolve({ tfjsName: "cpu", detail: "tfjs cpu, pure JavaScript" }),
};

const announced = new Set<string>();

async function activate(
  p: BackendPlugin,
  auto: boolean,
): Promise<{ tfjsName: string; detail?: string }> {
  const r = await p.init({ auto });
  const ok = await tf.setBackend(r.tfjsName);
  if (!ok) throw new BackendUnavailableError(p.name, "tfjs could not initialise it", "");
  const b = tf.backend() as unknown as { firstUse?: boolean };
  if (b.firstUse !== undefined) b.firstUse = false;
  return r;
}

/**
 * Activates backend `name` or, for `"auto"`, the fastest registered backend
 * that initialises. Prints the choice unless `quiet`.
 */
export async function selectBackend(
  name = "auto",
  { quiet = false, log = console.error, training = false }: {
    quiet?: boolean;
    log?: (s: string) => void;
    /** Only backends that can train (have every gradient kernel). */
    training?: boolean;
  } = {},
): Promise<SelectedBackend> {
  if (name !== "auto") {
    const known = registered("backend");
    if (!known.includes(name)) throw new UnknownPluginError("backend", name, [...known, "auto"]);
    const p = lookup("backend", name);
    if (training && p.cannotTrain) {
      throw new BackendUnavailableError(
        p.name,
        `it cannot train: ${p.cannotTrain}`,
        "Use blas or cpu.",
      );
    }
    const r = await activate(p, false);
    if (!quiet) log(`backend: ${p.name}${r.detail ? ` (${r.detail})` : ""}`);
    return { name: p.name, ...r, skipped: [] };
  }
  const plugins = registered("backend")
    .map((n) => lookup("backend", n))
    .sort((a, b) => b.priority - a.priority);
  const skipped: SelectedBackend["skipped"] = [];
  for (const p of plugins) {
    if (training && p.cannotTrain) {
      skipped.push({ name: p.name, reason: `cannot train: ${p.cannotTrain}` });
      continue;
    }
    try {
      const r = await activate(p, true);
      if (!quiet) log(`backend: ${p.name}${r.detail ? ` (${r.detail})` : ""} [auto]`);
      return { name: p.name, ...r, skipped };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      skipped.push({ name: p.name, reason });
      if (p.announceSkip && !announced.has(p.name) && !quiet) {
        announced.add(p.name);
        log(`note: ${reason}`);
      }
    }
  }
  await tf.setBackend("cpu");
  if (!quiet) log("backend: cpu (tfjs cpu; no backend plugin initialised) [auto]");
  return { name: "cpu", tfjsName: "cpu", detail: "no backend plugin initialised", skipped };
}
