import fs from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { repoRoot } from './repoRoot';

/**
 * Renders the Teams app icons from the one source, appPackage/icon.svg: `color.png` 192×192 as drawn, and
 * `outline.png` 32×32 — the white glyph alone on a transparent background, as Teams requires for the outline icon.
 * Run with `npm run icons` after editing the SVG; the PNGs are committed.
 */

/** The SVG without its background element(s) (`data-icon="background"`), leaving the white glyph. */
export function outlineSvg(svg: string): string {
  const stripped = svg.replace(/<[a-z]+\b[^>]*\bdata-icon="background"[^>]*\/>/g, '');
  if (stripped === svg) throw new Error('icon.svg has no element marked data-icon="background"');
  return stripped;
}

export function renderPng(svg: string, size: number): Buffer {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' });
  return Buffer.from(resvg.render().asPng());
}

export function renderIcons(svg: string): { color: Buffer; outline: Buffer } {
  return { color: renderPng(svg, 192), outline: renderPng(outlineSvg(svg), 32) };
}

if (require.main === module) {
  const dir = path.join(repoRoot(), 'appPackage');
  const { color, outline } = renderIcons(fs.readFileSync(path.join(dir, 'icon.svg'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'color.png'), color);
  fs.writeFileSync(path.join(dir, 'outline.png'), outline);
  console.log(`wrote ${path.join(dir, 'color.png')} (192×192) and ${path.join(dir, 'outline.png')} (32×32)`);
}
