/**
 * A minimal Chrome DevTools Protocol client for the real-browser test:
 * launches Debian's headless Chromium, connects to its page over a
 * WebSocket, sends commands and collects console errors and exceptions.
 *
 * @example
 * ```ts
 * const b = await launchBrowser();
 * await b.navigate("http://127.0.0.1:8000/");
 * console.log(await b.evaluate("document.title"), b.errors);
 * await b.close();
 * ```
 * @module
 */
import { existsSync } from "node:fs";

/** Where Chromium is looked for. */
export const CHROMIUM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/** The first Chromium found, or undefined. */
export function findChromium(): string | undefined {
  return CHROMIUM_PATHS.find((p) => existsSync(p));
}

type Msg = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: unknown;
};

/** A connected headless browser page. */
export interface Browser {
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  evaluate<T = unknown>(expression: string): Promise<T>;
  navigate(url: string): Promise<void>;
  /** Clicks the centre of the first element matching `selector` with real mouse events. */
  click(selector: string): Promise<void>;
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** Console errors, exceptions and failed loads seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Starts Chromium headless and connects to its first page. */
export async function launchBrowser(path = findChromium()!): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "quadranet-chromium-" });
  const child = new Deno.Command(path, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  let port: string | undefined;
  while (!port) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Chromium exited before listening:\n${log}`);
    log += value;
    port = log.match(/DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//)?.[1];
  }
  // Keep draining stderr so Chromium never blocks on a full pipe.
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* closed */ }
  })();
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as {
    type: string;
    webSocketDebuggerUrl: string;
  }[];
  const page = targets.find((t) => t.type === "page")!;
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = fail;
  });
  let next = 1;
  const pending = new Map<
    number,
    { ok: (v: Record<string, unknown>) => void; fail: (e: Error) => void }
  >();
  const listeners = new Map<string, ((p: Record<string, unknown>) => void)[]>();
  const errors: string[] = [];
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data) as Msg;
    if (m.id !== undefined) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.fail(new Error(JSON.stringify(m.error)));
      else p?.ok((m.result ?? {}) as Record<string, unknown>);
    } else if (m.method) {
      for (const l of listeners.get(m.method) ?? []) l(m.params ?? {});
    }
  };
  const on = (method: string, f: (p: Record<string, unknown>) => void) =>
    listeners.set(method, [...(listeners.get(method) ?? []), f]);
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((ok, fail) => {
      const id = next++;
      pending.set(id, { ok, fail });
      ws.send(JSON.stringify({ id, method, params }));
    });
  on(
    "Runtime.exceptionThrown",
    (p) => errors.push(`exception: ${JSON.stringify(p.exceptionDetails)}`),
  );
  on("Runtime.consoleAPICalled", (p) => {
    if (p.type === "error") errors.push(`console.error: ${JSON.stringify(p.args)}`);
  });
  on("Log.entryAdded", (p) => {
    const entry = p.entry as { level: string; text: string; url?: string };
    if (entry.level === "error") errors.push(`log: ${entry.text} ${entry.url ?? ""}`);
  });
  await send("Runtime.enable");
  await send("Log.enable");
  await send("Page.enable");

  const evaluate = async <T>(expression: string): Promise<T> => {
    const r = await send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (r.exceptionDetails) {
      throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
    }
    return (r.result as { value: T }).value;
  };
  const waitFor = async (expression: string, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await evaluate<boolean>(`!!(${expression})`))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    send,
    evaluate,
    waitFor,
    errors,
    async navigate(url) {
      const loaded = new Promise<void>((ok) => on("Page.loadEventFired", () => ok()));
      await send("Page.navigate", { url });
      await loaded;
    },
    async click(selector) {
      const box = await evaluate<{ x: number; y: number } | null>(
        `(() => { const el = document.querySelector(${
          JSON.stringify(selector)
        }); if (!el) return null;
          el.scrollIntoView(); const r = el.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()`,
      );
      if (!box) throw new Error(`no element ${selector}`);
      for (const type of ["mousePressed", "mouseReleased"]) {
        await send("Input.dispatchMouseEvent", {
          type,
          x: box.x,
          y: box.y,
          button: "left",
          clickCount: 1,
        });
      }
    },
    async close() {
      ws.close();
      child.kill("SIGKILL");
      await child.status;
      await reader.cancel().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
