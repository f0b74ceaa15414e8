import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import type { ChartSpec } from '../../src/domain';
import { CHART_FONT, CHART_SCALE, CHART_WIDTH, chartSvg, rasterise, renderChart } from '../../src/services/charts/render';
import { ChartLinks } from '../../src/services/charts/links';
import type { ChartStore } from '../../src/store/charts';

/** Issue 17: chart images are real PNGs of the expected size, with Japanese drawn by the bundled font; links are signed. */

const ja: ChartSpec = {
  kind: 'bars',
  title: '販売ステージ別のパイプライン',
  axis: '',
  groups: [
    { title: 'ソリューション評価', bars: [{ label: '受け取り', value: 2, text: '2 件・加重値 ¥400,000' }, { label: 'データを収集する', value: 5, text: '5 件・加重値 ¥6,000' }] },
    { title: '共同販売', bars: [{ label: '提案済み', value: 3, text: '3 件・加重値 $18,000.30' }] },
  ],
};

/** Width, height and RGBA pixels of a PNG made by resvg (8-bit RGBA, non-interlaced). */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  expect([png[24], png[25]]).toEqual([8, 6]);
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    if (type === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = width * 4;
  const pixels = Buffer.alloc(height * stride);
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? pixels[y * stride + x - 4]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4]! : 0;
      pixels[y * stride + x] = (v + [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]!) & 0xff;
    }
  }
  return { width, height, pixels };
}

/** How many pixels are dark (text is dark grey; bars are coloured, the background white). */
const darkPixels = (img: { pixels: Buffer }) => {
  let n = 0;
  for (let i = 0; i < img.pixels.length; i += 4) if (img.pixels[i]! < 90 && img.pixels[i + 1]! < 90 && img.pixels[i + 2]! < 90) n++;
  return n;
};

/** One line of text alone in an SVG, in the chart font. */
const textSvg = (text: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="40"><rect width="100%" height="100%" fill="white"/><text x="10" y="28" font-family="${CHART_FONT}" font-size="20" fill="#000">${text}</text></svg>`;

describe('chart images', () => {
  test('a PNG of the chart width at twice the density, its height following the bars', async () => {
    const img = decodePng(await renderChart(ja));
    expect(img.width).toBe(CHART_WIDTH * CHART_SCALE);
    expect(img.height).toBeGreaterThan(100 * CHART_SCALE);
    expect(img.height).toBeLessThan(600 * CHART_SCALE);
    // The SVG names the bundled font and carries the Japanese words.
    const svg = await chartSvg(ja);
    expect(svg).toContain(CHART_FONT);
    for (const word of ['ソリューション評価', '共同販売', 'データを収集する']) expect(svg).toContain(word);
  });

  test('Japanese is drawn with real glyphs: text that differs draws differently, and the font is what draws it', () => {
    const a = decodePng(rasterise(textSvg('受け取り 承認済み 受注')));
    const b = decodePng(rasterise(textSvg('顧客への提示 交渉済み')));
    // Missing glyphs ("tofu") are the same box for every character: two different strings would look alike.
    expect(darkPixels(a)).toBeGreaterThan(500);
    expect(darkPixels(b)).toBeGreaterThan(500);
    expect(a.pixels.equals(b.pixels)).toBe(false);
    // Without the bundled font (no system fonts either) nothing is drawn: the glyphs come from assets/fonts.
    const bare = decodePng(rasterise(textSvg('受け取り 承認済み 受注'), { withoutFont: true }));
    expect(darkPixels(bare)).toBeLessThan(darkPixels(a) / 10);
    // The whole chart: with the font, far more ink than without.
    return renderChart(ja).then(async (png) => {
      const withFont = darkPixels(decodePng(png));
      const without = darkPixels(decodePng(await renderChart(ja, { withoutFont: true })));
      expect(withFont).toBeGreaterThan(without * 3);
    });
  });

  test('the font subset covers every character of the Japanese catalogs and the glossary', () => {
    const root = path.join(__dirname, '../..');
    const font = readFileSync(path.join(root, 'assets/fonts/NotoSansCJKjp-Regular-subset.otf'));
    const covered = cmapOf(font);
    const texts = ['admin', 'core', 'deal', 'insights', 'referral', 'sync', 'welcome', 'wizard'].map((f) => readFileSync(path.join(root, `cards/i18n/ja/${f}.json`), 'utf8'));
    texts.push(readFileSync(path.join(root, 'src/domain/glossary.ts'), 'utf8'));
    const missing = new Set<string>();
    // Kana, kanji, CJK punctuation and full-width forms (symbols such as ✔ are not chart text; Noto CJK has none).
    const japanese = /[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]/u;
    for (const text of texts) for (const ch of text) if (japanese.test(ch) && !covered.has(ch.codePointAt(0)!)) missing.add(ch);
    expect([...missing]).toEqual([]);
  });
});

/** The code points of an OpenType font's format-4 or format-12 cmap subtable. */
function cmapOf(font: Buffer): Set<number> {
  const tables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < tables; i++) if (font.subarray(12 + i * 16, 16 + i * 16).toString('latin1') === 'cmap') cmap = font.readUInt32BE(12 + i * 16 + 8);
  const out = new Set<number>();
  const subtables = font.readUInt16BE(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const at = cmap + font.readUInt32BE(cmap + 4 + i * 8 + 4);
    const format = font.readUInt16BE(at);
    if (format === 12) {
      const groups = font.readUInt32BE(at + 12);
      for (let g = 0; g < groups; g++) {
        const start = font.readUInt32BE(at + 16 + g * 12);
        const end = font.readUInt32BE(at + 20 + g * 12);
        for (let c = start; c <= end; c++) out.add(c);
      }
    } else if (format === 4) {
      const segs = font.readUInt16BE(at + 6) / 2;
      for (let s = 0; s < segs; s++) {
        const end = font.readUInt16BE(at + 14 + s * 2);
        const start = font.readUInt16BE(at + 16 + segs * 2 + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) out.add(c);
      }
    }
  }
  return out;
}

describe('signed chart links', () => {
  const saved = new Map<string, { spec: ChartSpec; expiresAt: Date }>();
  const store = {
    async save(specs: ChartSpec[], expiresAt: Date) {
      return specs.map((spec, i) => {
        const id = `00000000-0000-4000-8000-00000000000${i}`;
        saved.set(id, { spec, expiresAt });
        return id;
      });
    },
    async get(id: string, now = new Date()) {
      const row = saved.get(id);
      return row && row.expiresAt > now ? row.spec : null;
    },
  } as unknown as ChartStore;
  const links = new ChartLinks(store, { baseUrl: 'https://cosell.example', secret: Buffer.from('k'.repeat(32)), ttlMs: 60 * 60_000 });
  const now = new Date('2026-12-01T00:00:00Z');
  const tokenOf = (url: string) => /\/charts\/(.+)\.png$/.exec(url)![1]!;

  test('a valid link gives the PNG until it expires; after, it is refused', async () => {
    const [url] = await links.publish([ja], now);
    expect(url).toMatch(/^https:\/\/cosell\.example\/charts\/[0-9a-f-]{36}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}\.png$/);
    const opened = await links.open(tokenOf(url!), new Date(now.getTime() + 59 * 60_000));
    expect(opened.ok && opened.png.subarray(1, 4).toString()).toBe('PNG');
    expect(await links.open(tokenOf(url!), new Date(now.getTime() + 61 * 60_000))).toEqual({ ok: false, reason: 'expired' });
  });

  test('a changed id, expiry or signature, or another key, is refused before anything is read', async () => {
    const [url] = await links.publish([ja], now);
    const [id, expiry, signature] = tokenOf(url!).split('.') as [string, string, string];
    const later = (parseInt(expiry, 36) + 86_400).toString(36);
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const token of [`${id}.${later}.${signature}`, `${id}.${expiry}.${flip(signature)}`, `${id.replace(/0$/, '1')}.${expiry}.${signature}`, `${id}.${expiry}`, '../../etc/passwd', '']) {
      expect(await links.open(token, now)).toEqual({ ok: false, reason: 'invalid' });
    }
    const otherKey = new ChartLinks(store, { baseUrl: 'https://cosell.example', secret: Buffer.from('x'.repeat(32)), ttlMs: 60_000 });
    expect(await otherKey.open(tokenOf(url!), now)).toEqual({ ok: false, reason: 'invalid' });
  });

  test('without PUBLIC_BASE_URL there are no links (the card shows its numbers only)', async () => {
    const none = new ChartLinks(store, { baseUrl: undefined, secret: Buffer.from('k'.repeat(32)), ttlMs: 60_000 });
    expect(await none.publish([ja], now)).toEqual([]);
  });
});
