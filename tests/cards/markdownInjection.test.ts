import * as render from '../../cards/render';
import type { Locale } from '../../cards/i18n';
import { TrustedMarkdown, cleanText, escapeMarkdown, markdownMessage } from '../../cards/markdown';
import { messageCard } from '../../cards/messageCard';
import { welcomeCard } from '../../bot/welcome';
import { coreCardBuilders } from './builders/coreCards';
import { dealCardBuilders } from './builders/dealCards';
import { otherCardBuilders } from './builders/otherCards';
import { digestCardBuilders } from './builders/digestCards';
import { rendererHtml as officialHtml, visibleText } from '../helpers/adaptiveCards';

/**
 * Issue 15, item 2: outside text in a card renders as the same visible text. Every builder of every card is run,
 * the data it hands to renderCard is captured, every string in it is loaded with Markdown, `<`, `>`, `&`, a
 * {{DATE()}} function, U+202E and zero-width characters, and the card is rendered again. Then, per property:
 * - Markdown (TextBlock.text, Fact.title, Fact.value — what Teams formats): the official renderer's Markdown step
 *   (AdaptiveCard.applyMarkdown, with markdown-it as its processor, as the renderer itself uses it) gives only
 *   paragraphs, and their text is exactly the bound text with the invisible characters removed;
 * - shown as plain text (action/choice/toggle titles, labels, placeholders, error messages): the bound text with
 *   the invisible characters removed, no backslash added;
 * - data (input values, choice values, action data, ids, verbs): exactly as bound, byte for byte.
 */

/** The renderer's HTML for a text; it expands {{DATE(…)}} / {{TIME(…)}} before Markdown, so none may be left. */
function rendererHtml(text: string): string {
  expect(text).not.toMatch(/\{\{(DATE|TIME)\(/);
  return officialHtml(text);
}
const visible = visibleText;
const normalized = (text: string) => text.replace(/\s+/g, ' ').trim();
const FORMATTING_TAGS = /<(?!\/?(p|br)\b)[a-z]/i;

const PAYLOAD =
  '[Click to verify](https://evil.example/login) **URGENT** [Open in Partner Center](https://evil.example/pc) _x_ *y* ' +
  '<b>bold</b> <https://evil.example> &amp; &#x41; `code` ~~gone~~ | a | b | ![img](https://evil.example/i.png) ' +
  '{{DATE(2017-02-14T06:00:00Z, SHORT)}} \\ trailing\\\n# Heading\n- item\n+ item\n1. one\n2) two\n> quote\n===\n---\n' +
  '\u202Egnp.exe\u202C Micro\u200Bsoft\u200C\u200D\u2060\uFEFF\u00AD \u0007\u001B[31m\u0085 \u2066iso\u2069 \uFDD0forged\uFDD1';

/** Every string of the data loaded with the payload — except `kind`, the form-field kind the templates compare. */
function poison(value: unknown, key?: string): unknown {
  if (value instanceof TrustedMarkdown) return value;
  if (typeof value === 'string') return key === 'kind' ? value : `${value} ${PAYLOAD}`;
  if (Array.isArray(value)) return value.map((v) => poison(v));
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, k)]));
  }
  return value;
}

const MARKERS = /[\uFDD0\uFDD1]/g;
const PLAIN = new Set(['title', 'label', 'placeholder', 'errorMessage', 'altText', 'fallbackText', 'tooltip']);

interface Finding {
  where: string;
  problem: string;
}

/** Walks the finished card and the bound one side by side. */
function compare(finished: unknown, bound: unknown, where: string, out: Finding[], seen: { markdown: number; plain: number; data: number }, key?: string): void {
  if (typeof finished === 'string' && typeof bound === 'string') {
    const raw = bound.replace(MARKERS, '');
    if (key !== undefined && PLAIN.has(key)) {
      seen.plain++;
      if (finished !== cleanText(raw)) out.push({ where, problem: `plain text changed: ${JSON.stringify(finished)} vs ${JSON.stringify(raw)}` });
    } else {
      seen.data++;
      if (finished !== raw) out.push({ where, problem: 'data changed' });
    }
    return;
  }
  if (Array.isArray(finished) && Array.isArray(bound)) {
    finished.forEach((f, i) => compare(f, bound[i], `${where}[${i}]`, out, seen));
    return;
  }
  if (typeof finished !== 'object' || finished === null || typeof bound !== 'object' || bound === null) return;
  const f = finished as Record<string, unknown>;
  const b = bound as Record<string, unknown>;
  const markdownPairs: [string, unknown, unknown][] = [];
  if (f.type === 'TextBlock') markdownPairs.push([`${where}.text`, f.text, b.text]);
  if (f.type === 'FactSet' && Array.isArray(f.facts)) {
    (f.facts as Record<string, unknown>[]).forEach((fact, i) => {
      const boundFact = (b.facts as Record<string, unknown>[])[i] ?? {};
      markdownPairs.push([`${where}.facts[${i}].title`, fact.title, boundFact.title], [`${where}.facts[${i}].value`, fact.value, boundFact.value]);
    });
  }
  for (const [at, text, boundText] of markdownPairs) {
    seen.markdown++;
    if (typeof text !== 'string' || typeof boundText !== 'string') continue;
    const html = rendererHtml(text);
    // Product Markdown (a TrustedMarkdown, still marked in the bound card) may be bold or italic, never a link.
    const forbidden = boundText.includes('\uFDD0') ? /<(?!\/?(p|br|strong|em)\b)[a-z]/i : FORMATTING_TAGS;
    if (forbidden.test(html)) out.push({ where: at, problem: `formatted: ${html.slice(0, 200)}` });
    // Everything else must read exactly as bound.
    if (!boundText.includes('\uFDD0') && visible(html) !== normalized(cleanText(boundText))) {
      out.push({ where: at, problem: `visible text differs:\n  ${visible(html).slice(0, 300)}\n  ${normalized(cleanText(boundText)).slice(0, 300)}` });
    }
  }
  for (const [k, v] of Object.entries(f)) {
    if ((f.type === 'TextBlock' && k === 'text') || (f.type === 'FactSet' && k === 'facts')) continue;
    if (k === 'data') compare(v, b[k], `${where}.${k}`, out, seen, '(data)');
    else compare(v, b[k], `${where}.${k}`, out, seen, k);
  }
}

const BUILDERS = [...coreCardBuilders, ...dealCardBuilders, ...otherCardBuilders, ...digestCardBuilders];
const LOCALES: Locale[] = ['ja', 'en'];

/** Runs every builder and keeps what it asked renderCard to render. */
function capturedRenders(): { name: string; template: object; data: object }[] {
  const calls: { name: string; template: object; data: object }[] = [];
  const real = render.renderCard;
  let current = '';
  const spy = jest.spyOn(render, 'renderCard').mockImplementation((template, data) => {
    calls.push({ name: current, template, data });
    return real(template, data);
  });
  try {
    for (const b of BUILDERS) {
      for (const locale of LOCALES) {
        current = `${b.name} (${locale})`;
        b.build(locale);
      }
    }
  } finally {
    spy.mockRestore();
  }
  return calls;
}

describe('outside text in every card renders as the same visible text', () => {
  const renders = capturedRenders();

  it('covers every builder', () => {
    expect(new Set(renders.map((r) => r.name)).size).toBe(BUILDERS.length * LOCALES.length);
  });

  it.each(renders.map((r) => [r.name, r] as const))('%s', (_name, { template, data }) => {
    const hostile = poison(data) as object;
    const finished = render.renderCard(template, hostile);
    const bound = render.bindTemplate(template, hostile);
    const findings: Finding[] = [];
    const seen = { markdown: 0, plain: 0, data: 0 };
    compare(finished, bound, '$', findings, seen);
    expect(findings).toEqual([]);
    // The payload really reached the card's text (this test cannot pass by rendering nothing).
    expect(seen.markdown).toBeGreaterThan(0);
    expect(JSON.stringify(finished)).toContain('Click to verify');
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['[Click to verify](https://evil.example/login)', '[Click to verify](https://evil.example/login)'],
    ['**URGENT** [Open in Partner Center](https://evil.example)', '**URGENT** [Open in Partner Center](https://evil.example)'],
    ['Fabrikam_Japan_KK & Sons <sales@fabrikam.example>', 'Fabrikam_Japan_KK & Sons <sales@fabrikam.example>'],
    ['\u202Eexe.fdp', 'exe.fdp'],
    ['Micro\u200Bsoft', 'Microsoft'],
  ])('%j is shown as %j', (input, shown) => {
    const html = rendererHtml(escapeMarkdown(input));
    expect(html).not.toMatch(FORMATTING_TAGS);
    expect(visible(html)).toBe(shown);
  });

  it('leaves ordinary text alone (no backslash a Teams mobile client could show)', () => {
    for (const text of ['Contoso Japan – Tokyo', '#42 · Fabrikam migration', '-5 % on 2026-12-31', '佐藤 一郎 (Sato)', 'a.b@c.example', '${1+1}', '+81 3 1234 5678']) {
      expect(escapeMarkdown(text)).toBe(text);
    }
  });

  it('keeps emoji joined with ZWJ and flag tag sequences, and removes the rest', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    const england = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}';
    expect(cleanText(`${family} ${england}`)).toBe(`${family} ${england}`);
    expect(cleanText('a\u200Db\u{E0041}c\r\nd\u2028e')).toBe('abc\nd\ne');
  });
});

describe('Markdown the product means', () => {
  it('the welcome card still shows its bold command names, with the parameters escaped', () => {
    const [, , , start] = welcomeCard('en').body as { text: string }[];
    const html = rendererHtml(start!.text);
    expect(html).toContain('<strong>New deal</strong>');
    expect(html).toContain('<strong>new deal</strong>');
    expect(rendererHtml(markdownMessage('en', 'welcome.start', { command: '[x](https://evil.example)', help: 'help' }).markdown)).not.toContain('<a');
  });

  it('a plain string that looks like the trust marker is not trusted', () => {
    const card = messageCard('\uFDD0**bold**\uFDD1', ['\uFDD0[x](https://evil.example)\uFDD1']);
    for (const block of (card.body[0] as { items: { text: string }[] }).items) expect(rendererHtml(block.text)).not.toMatch(FORMATTING_TAGS);
  });

  it('only a TrustedMarkdown formats; a plain string beside it does not', () => {
    const card = render.renderCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: '${a} ${b}' }] }, { a: TrustedMarkdown.fromProduct('**a**'), b: '**b**' });
    expect(rendererHtml((card.body[0] as { text: string }).text)).toBe('<p><strong>a</strong> **b**</p>\n');
    // A plain string is not one, and nothing but fromProduct makes one (checked by the compiler).
    const typeChecks = () => {
      // @ts-expect-error a string is not TrustedMarkdown
      const fromString: TrustedMarkdown = '**a**';
      // @ts-expect-error nor is an object that looks like one
      const lookAlike: TrustedMarkdown = { markdown: '**a**' };
      // @ts-expect-error the constructor is private
      const constructed = new TrustedMarkdown('**a**');
      return [fromString, lookAlike, constructed];
    };
    expect(typeof typeChecks).toBe('function');
  });
});
