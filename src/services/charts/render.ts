import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Loader } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { ChartSpec } from '../../domain';

/**
 * Vega, Vega-Lite and resvg are loaded with the first chart, not at start: 6 MB of code (resvg's native module
 * alone 4.4 MB) that only `insights` uses, and start-up time and memory are issue 16 targets.
 */
let libraries: { vega: typeof import('vega'); vegaLite: typeof import('vega-lite'); resvg: typeof import('@resvg/resvg-js') } | undefined;
function chartLibraries(): NonNullable<typeof libraries> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (!libraries) {
    libraries = { vega: require('vega'), vegaLite: require('vega-lite'), resvg: require('@resvg/resvg-js') };
    (libraries.vega as unknown as { textMetrics: { width: typeof estimateWidth } }).textMetrics.width = estimateWidth;
  }
  return libraries;
}

/**
 * Issue 17: a chart as a PNG. Vega-Lite describes it, Vega lays it out and writes SVG (headless, no canvas),
 * resvg rasterises the SVG with the font bundled in assets/fonts (a Noto Sans CJK JP subset, OFL) and never a
 * system font, so Japanese labels look the same on every server.
 */

export const CHART_FONT = 'Noto Sans CJK JP';
/** Width of a chart in CSS pixels; the PNG is scaled to exactly twice as many (sharp on high-density screens). */
export const CHART_WIDTH = 440;
export const CHART_SCALE = 2;
const BAR_STEP = 24;
const SERIES_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#9d755d'];

/** assets/fonts from wherever this file runs (src/ under ts, dist/src/ when built). */
function fontDirectory(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'assets', 'fonts');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error('assets/fonts not found: the chart font ships with the app');
  }
}

export const CHART_FONT_FILES = ['NotoSansCJKjp-Regular-subset.otf', 'NotoSansCJKjp-Bold-subset.otf'];

/**
 * Without a canvas Vega guesses text widths as 0.8 em per character, too narrow for kana and kanji (a full em) and
 * too wide for digits: labels would be cut or overlap. A closer guess for this font.
 */
function estimateWidth(item: { text?: unknown; fontSize?: number }, text?: unknown): number {
  const value = text ?? item.text;
  const s = Array.isArray(value) ? value.join('') : value == null ? '' : String(value);
  const size = item.fontSize ?? 11;
  let em = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x1100 && !(c >= 0xff61 && c <= 0xff9f)) em += 1;
    else if (/[ .,:;·'!|il()[\]]/.test(ch)) em += 0.3;
    else if (/[A-Z%¥$€@#MW]/.test(ch)) em += 0.66;
    else em += 0.56;
  }
  return Math.ceil(em * size);
}

/** The Vega-Lite spec of a (grouped) horizontal bar chart with each bar's text at its end. */
export function vegaLiteSpec(chart: ChartSpec): TopLevelSpec {
  const values = chart.groups.flatMap((g, gi) =>
    g.bars.map((b, bi) => ({ group: g.title, groupOrder: gi, label: b.label, order: bi, value: b.value, text: b.text, series: b.series ?? g.title })),
  );
  const max = Math.max(1, ...values.map((v) => v.value));
  // The longest text beside a bar decides how much of the width bars may take.
  const labelWidth = Math.max(60, ...values.map((v) => estimateWidth({ fontSize: 13 }, v.label)));
  const textWidth = Math.max(40, ...values.map((v) => estimateWidth({ fontSize: 13 }, v.text)));
  const plot = CHART_WIDTH - labelWidth - 30;
  const share = Math.min(0.85, Math.max(0.3, (plot - textWidth - 12) / plot));
  const series = [...new Set(values.map((v) => v.series))];
  const y = { field: 'label', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null, axis: { labelLimit: 0, labelFontSize: 13, ticks: false, domain: false, labelPadding: 6 } };
  const layer = [
    {
      mark: { type: 'bar' as const, cornerRadiusEnd: 2, height: { band: 0.7 } },
      encoding: {
        x: { field: 'value', type: 'quantitative' as const, axis: null, scale: { domain: [0, max / share], nice: false } },
        color: { field: 'series', type: 'nominal' as const, legend: null, scale: { domain: series, range: SERIES_COLOURS } },
      },
    },
    {
      mark: { type: 'text' as const, align: 'left' as const, dx: 4, fontSize: 13, color: '#333' },
      encoding: { x: { field: 'value', type: 'quantitative' as const }, text: { field: 'text', type: 'nominal' as const } },
    },
  ];
  const config = {
    font: CHART_FONT,
    view: { stroke: null },
    header: { labelFontSize: 13, labelFontWeight: 'bold' as const, labelAngle: 0, labelAnchor: 'start' as const, labelOrient: 'top' as const, labelPadding: 4 },
    background: 'white',
    padding: 8,
  };
  // The card's heading names the chart: the image carries no title of its own (more room for the bars at card width).
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', data: { values }, config };
  if (chart.groups.length <= 1) {
    return { ...base, width: plot, height: { step: BAR_STEP }, encoding: { y }, layer } as TopLevelSpec;
  }
  return {
    ...base,
    facet: { row: { field: 'group', type: 'nominal', sort: { field: 'groupOrder' }, title: null } },
    spec: { width: plot, height: { step: BAR_STEP }, encoding: { y }, layer },
    resolve: { scale: { y: 'independent' } },
    spacing: 14,
  } as TopLevelSpec;
}

/** The chart as SVG text. */
export async function chartSvg(chart: ChartSpec): Promise<string> {
  const { vega, vegaLite } = chartLibraries();
  const spec = vegaLite.compile(vegaLiteSpec(chart), { logger: quiet }).spec;
  // No loader: the data is inline and a chart never reads a file or URL.
  const view = new vega.View(vega.parse(spec), { renderer: 'none', loader: refusingLoader, logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Vega-Lite's layout notes go to the console by default; a chart of ours has nothing to say there. */
const quiet = { level: () => quiet, error: () => quiet, warn: () => quiet, info: () => quiet, debug: () => quiet } as never;

const refusingLoader = {
  load: () => Promise.reject(new Error('charts load nothing')),
  sanitize: () => Promise.reject(new Error('charts load nothing')),
  http: () => Promise.reject(new Error('charts load nothing')),
  file: () => Promise.reject(new Error('charts load nothing')),
} as unknown as Loader;

let fontFiles: string[] | undefined;

export interface RasterOptions {
  /** Test only: render without the bundled font (to prove it is the font that draws the Japanese). */
  withoutFont?: boolean;
}

/** SVG → PNG at CHART_SCALE, with the bundled font only. */
export function rasterise(svg: string, opts: RasterOptions = {}): Buffer {
  fontFiles ??= CHART_FONT_FILES.map((f) => path.join(fontDirectory(), f));
  const resvg = new (chartLibraries().resvg.Resvg)(svg, {
    font: { fontFiles: opts.withoutFont ? [] : fontFiles, loadSystemFonts: false, defaultFontFamily: CHART_FONT },
    fitTo: { mode: 'width', value: CHART_WIDTH * CHART_SCALE },
  });
  return resvg.render().asPng();
}

/** The chart as a PNG. */
export async function renderChart(chart: ChartSpec, opts: RasterOptions = {}): Promise<Buffer> {
  return rasterise(await chartSvg(chart), opts);
}
