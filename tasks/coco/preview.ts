/**
 * The detection preview: a few validation images with ground truth (green; crowd regions dashed)
 * and predictions (orange, with class and score) drawn as one self-contained SVG.
 * @module
 */
import type { CocoSource } from "@quadranet/coco";
import { encodeBase64 } from "./base64.ts";
import type { ImagePrediction } from "./evaluate_detector.ts";

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The SVG text for `predictions` (image pixels) on their images of `source`. */
export async function previewSvg(
  source: CocoSource,
  predictions: readonly ImagePrediction[],
  o: { minScore: number; title: string },
): Promise<string> {
  const tile = 256, gap = 8;
  const parts: string[] = [];
  let x0 = 0;
  for (const p of predictions) {
    const rec = await source.read(p.index);
    const t = rec.target;
    const s = tile / Math.max(t.width, t.height);
    const mime = /\.png$/i.test(rec.path) ? "image/png" : "image/jpeg";
    const g: string[] = [
      `<g transform="translate(${x0} 20) scale(${s.toFixed(5)})">`,
      `<image width="${t.width}" height="${t.height}" href="data:${mime};base64,${
        encodeBase64(rec.bytes)
      }" style="image-rendering:pixelated"/>`,
    ];
    const sw = (1.5 / s).toFixed(3), fs = (10 / s).toFixed(2);
    for (let i = 0; i < t.labels.length; i++) {
      const [a, b, c, d] = t.boxes.subarray(4 * i, 4 * i + 4);
      g.push(
        `<rect x="${a}" y="${b}" width="${c - a}" height="${
          d - b
        }" fill="none" stroke="#2ecc71" stroke-width="${sw}"${
          t.crowd[i] ? ` stroke-dasharray="${(4 / s).toFixed(2)}"` : ""
        }><title>truth: ${esc(source.classes[t.labels[i]])}${
          t.crowd[i] ? " (crowd)" : ""
        }</title></rect>`,
      );
    }
    for (let i = 0; i < p.scores.length; i++) {
      if (p.scores[i] < o.minScore) continue;
      const [a, b, c, d] = p.boxes.subarray(4 * i, 4 * i + 4);
      const label = `${source.classes[p.labels[i]]} ${p.scores[i].toFixed(2)}`;
      g.push(
        `<rect x="${a.toFixed(1)}" y="${b.toFixed(1)}" width="${(c - a).toFixed(1)}" height="${
          (d - b).toFixed(1)
        }" fill="none" stroke="#ff8c00" stroke-width="${sw}"><title>${esc(label)}</title></rect>`,
        `<text x="${a.toFixed(1)}" y="${
          (b - 1 / s).toFixed(1)
        }" font-size="${fs}" fill="#ff8c00" font-family="sans-serif">${esc(label)}</text>`,
      );
    }
    g.push("</g>");
    parts.push(g.join(""));
    x0 += tile + gap;
  }
  const width = Math.max(tile, x0 - gap);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${
      tile + 24
    }" width="${width}" height="${tile + 24}">`,
    `<text x="0" y="14" font-size="13" font-family="sans-serif">${
      esc(o.title)
    } — truth green (crowd dashed), predictions orange (score ≥ ${o.minScore})</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
