import { catalog, localeOf, t } from '../cards/i18n';
import { TERMS } from '../src/domain';

const en = catalog('en');
const ja = catalog('ja');

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('en and ja have exactly the same keys', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
  });

  it('every message is non-empty in both languages', () => {
    for (const [key, text] of [...Object.entries(en), ...Object.entries(ja)]) {
      expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
    }
  });

  it('a message has the same {placeholders} in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect({ key, ja: placeholders(ja[key]) }).toEqual({ key, ja: placeholders(en[key]) });
    }
  });

  it('keys are namespaced (area.name)', () => {
    for (const key of Object.keys(en)) expect(key).toMatch(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/);
  });

  it('Japanese messages are actually Japanese', () => {
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    // Partner Center writes a few terms in Latin letters in Japanese too (CRM ID): a message that is only such a term.
    const latinInSeed = new Set<string>(Object.values(TERMS).filter((w) => w.ja === w.en).map((w) => w.ja));
    for (const [key, text] of Object.entries(catalog('ja'))) {
      const noWords = !/\p{L}/u.test(text.replace(/\{\w+\}/g, '')); // only placeholders and marks: "✔ {step}: {summary}"
      expect({ key, ja: japanese.test(text) || latinInSeed.has(text) || noWords }).toEqual({ key, ja: true });
    }
  });
});

describe('localeOf', () => {
  it.each([
    ['ja', 'ja'],
    ['ja-JP', 'ja'],
    ['JA-jp', 'ja'],
    ['ja_JP', 'ja'],
    ['en-US', 'en'],
    ['en', 'en'],
    ['fr-FR', 'en'],
    ['jav', 'en'],
    ['', 'en'],
    [undefined, 'en'],
  ] as const)('%s → %s', (input, expected) => {
    expect(localeOf(input)).toBe(expected);
  });
});

describe('t', () => {
  it('picks the language', () => {
    expect(t('en', 'help.title')).toBe(en['help.title']);
    expect(t('ja', 'help.title')).toBe(ja['help.title']);
  });

  it('interpolates {name} placeholders', () => {
    expect(t('en', 'help.alsoIn', { alias: '新しい取引' })).toBe('in Japanese: 新しい取引');
    expect(t('ja', 'help.alsoIn', { alias: 'new deal' })).toBe('英語: new deal');
  });

  it('leaves a placeholder without a value visible instead of failing', () => {
    expect(t('en', 'help.alsoIn', {})).toBe('in Japanese: {alias}');
  });

  it('does not treat replacement text as a pattern', () => {
    expect(t('en', 'help.alsoIn', { alias: '$& {alias} $1' })).toBe('in Japanese: $& {alias} $1');
  });
});
