/**
 * The page shell: head, navigation, main, the islands' boot script. Links
 * are relative (`base` is "./", "../", …) so an exported site works from any
 * static file server and any sub-path.
 *
 * @example
 * ```tsx
 * <Layout title="Runs" base="../">…</Layout>
 * ```
 * @module
 */
import type { ComponentChildren } from "preact";

/** The shell. */
export function Layout(
  { title, base, children }: { title: string; base: string; children: ComponentChildren },
) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · QuadraNet-TS results`}</title>
        <link rel="stylesheet" href={`${base}static/style.css`} />
        <link rel="icon" type="image/svg+xml" href={`${base}static/favicon.svg`} />
      </head>
      <body>
        <header>
          <a class="brand" href={base}>QuadraNet-TS results</a>
          <nav>
            <a href={base}>Overview</a>
            <a href={`${base}runs/`}>Runs</a>
          </nav>
        </header>
        <main>{children}</main>
        <script type="module" src={`${base}islands/boot.js`} />
      </body>
    </html>
  );
}
