import assert from "node:assert/strict";
import { createHandler } from "./server.ts";
import { findChromium, launchBrowser } from "./testing_cdp.ts";

// CI installs Chromium and sets QUADRANET_REQUIRE_BROWSER=1: a missing browser fails there.
const chromium = findChromium();
if (!chromium && Deno.env.get("QUADRANET_REQUIRE_BROWSER") === "1") {
  throw new Error("Chromium not found; install Debian's chromium (apt-get install chromium)");
}
if (!chromium) {
  // Said, not silent: the test shows as "ignored" and this line says why.
  console.error(
    "web/browser_test.ts: Chromium not found, real-browser test skipped " +
      "(apt-get install chromium to run it)",
  );
}

Deno.test({
  name: chromium
    ? "real browser: islands hydrate, respond to clicks, and the pages log no errors"
    : "real browser: SKIPPED, Chromium not found (apt-get install chromium)",
  ignore: !chromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const runs = new URL("./testdata/runs/", import.meta.url).pathname;
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      await createHandler(runs),
    );
    const base = `http://127.0.0.1:${server.addr.port}`;
    const browser = await launchBrowser(chromium);
    try {
      // Runs page: the sortable table hydrates, then a click on "top-1" sorts by it.
      await browser.navigate(`${base}/runs/`);
      await browser.waitFor("document.querySelector('table.sortable[data-hydrated]')");
      const order = () =>
        browser.evaluate<string[]>(
          "[...document.querySelectorAll('tbody tr')].map((r) => r.dataset.row)",
        );
      const before = await order();
      assert.equal(before.length, 12);
      await browser.click('th[data-sort="top1"]');
      await browser.waitFor("document.querySelector('th[data-sort=\"top1\"][aria-sort]')");
      const after = await order();
      assert.deepEqual(after.slice(0, 3), [
        "cmp-a-quadratic",
        "cmp-a-quadratic-scratch",
        "cmp-a-zero-shot",
      ]);
      assert.notDeepEqual(after, before);
      // The method filter narrows the rows without a reload.
      await browser.evaluate(
        `(() => { const s = document.querySelector('select[data-filter="method"]');
        s.value = "lora"; s.dispatchEvent(new Event("change", { bubbles: true })); })()`,
      );
      await browser.waitFor("document.querySelectorAll('tbody tr').length === 1");
      assert.deepEqual(await order(), ["live-run"]);

      // Overview: the plot's legend toggles a series.
      await browser.navigate(`${base}/`);
      await browser.waitFor("document.querySelector('figure.interactive-plot[data-hydrated]')");
      // (the first plot: the detection comparison's plot has a "quadratic" series too)
      const inFirst = "document.querySelector('figure.interactive-plot[data-hydrated]')" +
        ".querySelector('svg g[data-series=\"quadratic\"]')";
      assert.equal(await browser.evaluate(`!!${inFirst}`), true);
      await browser.click('button[data-series-toggle="quadratic"]');
      await browser.waitFor(`!${inFirst}`);

      // A run page and the compare page load their islands too.
      await browser.navigate(`${base}/runs/cmp-a-quadratic/`);
      await browser.waitFor("document.querySelector('figure.interactive-plot[data-hydrated]')");
      await browser.navigate(`${base}/compare/cmp-a/`);
      await browser.waitFor(
        "document.querySelectorAll('figure.interactive-plot[data-hydrated]').length === 2",
      );
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
      await server.shutdown();
    }
  },
});
