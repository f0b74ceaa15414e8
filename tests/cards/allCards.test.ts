import fs from 'node:fs';
import path from 'node:path';
import * as render from '../../cards/render';
import type { Locale } from '../../cards/i18n';
import { coreCardBuilders } from './builders/coreCards';
import { dealCardBuilders } from './builders/dealCards';
import { otherCardBuilders } from './builders/otherCards';
import { digestCardBuilders } from './builders/digestCards';
import { syncCardBuilders } from './builders/syncCards';
import type { NamedCardBuilder } from './builders/types';

import { rendererProblems } from '../helpers/adaptiveCards';

/**
 * Every card the bot can send, in every state, in ja and en: the official renderer parses it without warnings and
 * validates it, and our own rules catch what it misses. Add a feature's cards with one line here
 * (see builders/types.ts).
 */
const BUILDERS: NamedCardBuilder[] = [...coreCardBuilders, ...dealCardBuilders, ...otherCardBuilders, ...digestCardBuilders, ...syncCardBuilders];

const LOCALES: Locale[] = ['ja', 'en'];
const MAX_BYTES = 80 * 1024;

/** What the renderer does not check (STACK.md): found by walking the JSON. */
function ownProblems(card: unknown): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const toggled: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    const type = o.type;
    if (typeof o.id === 'string') ids.add(o.id);
    if (type === 'Image' && (typeof o.url !== 'string' || o.url === '')) problems.push(`${where}: Image without url`);
    if (type === 'TextBlock' && (typeof o.text !== 'string' || o.text.trim() === '')) problems.push(`${where}: TextBlock without text`);
    if (type === 'Action.Execute' && (typeof o.verb !== 'string' || o.verb === '')) problems.push(`${where}: Action.Execute without verb`);
    if ((type === 'Action.Execute' || type === 'Action.Submit') && (typeof o.title !== 'string' || o.title.trim() === '') && !where.includes('selectAction') && !where.includes('refresh')) {
      problems.push(`${where}: action without title`);
    }
    if (type === 'FactSet') {
      const facts = Array.isArray(o.facts) ? o.facts : [];
      if (facts.length === 0) problems.push(`${where}: empty FactSet`);
      for (const f of facts as { title?: unknown; value?: unknown }[]) {
        if (typeof f.title !== 'string' || typeof f.value !== 'string' || f.value.trim() === '') problems.push(`${where}: fact without title or value`);
      }
    }
    if (type === 'Input.ChoiceSet' && (!Array.isArray(o.choices) || o.choices.length === 0)) problems.push(`${where}: ChoiceSet without choices`);
    if (type === 'Action.ToggleVisibility' && Array.isArray(o.targetElements)) {
      for (const t of o.targetElements) toggled.push(typeof t === 'string' ? t : String((t as { elementId?: unknown }).elementId));
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${where}.${k}`);
  };
  walk(card, '$');
  for (const id of toggled) if (!ids.has(id)) problems.push(`ToggleVisibility targets unknown id ${id}`);
  const o = card as Record<string, unknown>;
  if (o.type !== 'AdaptiveCard' || o.version !== '1.5') problems.push('not an AdaptiveCard 1.5');
  const refresh = o.refresh as { userIds?: unknown[] } | undefined;
  if (refresh?.userIds && refresh.userIds.length > 60) problems.push('refresh.userIds lists more than 60 users');
  return problems;
}


describe('every card the bot can send', () => {
  const cases = BUILDERS.flatMap((b) => LOCALES.map((locale) => [`${b.name} (${locale})`, b, locale] as const));

  it('has builders with unique names', () => {
    const names = BUILDERS.map((b) => b.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it.each(cases)('%s: valid in the official renderer, within 80 KB, fully bound', (_name, builder, locale) => {
    const card = builder.build(locale);
    const json = JSON.stringify(card);
    expect(Buffer.byteLength(json)).toBeLessThan(MAX_BYTES);
    expect(json).not.toContain('${');
    expect(ownProblems(card)).toEqual([]);
    expect(rendererProblems(card)).toEqual([]);
  });

  it('the checks themselves catch broken cards', () => {
    const broken = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'Image' },
        { type: 'TextBlock', text: '' },
        { type: 'Input.ChoiceSet', id: 'x', choices: [] },
        { type: 'ActionSet', actions: [{ type: 'Action.ToggleVisibility', title: 'x', targetElements: ['nowhere'] }] },
      ],
    };
    expect(ownProblems(broken)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Image without url'),
        expect.stringContaining('TextBlock without text'),
        expect.stringContaining('ChoiceSet without choices'),
        expect.stringContaining('unknown id nowhere'),
      ]),
    );
    const invalid = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Input.Text' }, { type: 'Nonsense' }] };
    expect(rendererProblems(invalid).length).toBeGreaterThan(0);
  });
});

describe('card templates', () => {
  it('every template in cards/templates is rendered by some builder', () => {
    const dir = path.join(__dirname, '../../cards/templates');
    const seen = new Set<string>();
    const spy = jest.spyOn(render, 'renderCard');
    try {
      for (const b of BUILDERS) for (const locale of LOCALES) b.build(locale);
      for (const call of spy.mock.calls) seen.add(JSON.stringify(call[0]));
    } finally {
      spy.mockRestore();
    }
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    const unrendered = files.filter((f) => !seen.has(JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))));
    expect(unrendered).toEqual([]);
  });
});
