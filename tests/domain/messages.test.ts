/**
 * Every ja/en table of the domain (refusal messages, field error messages, labels, close reasons, …) says the same
 * thing in both languages: each entry has every language, none is empty, and each language names the same
 * {placeholders} — a placeholder in one language only would print as "{name}" to half of the users.
 * The tables are found among the domain's exports, not listed, so a new table is checked without touching this test.
 */
import * as domain from '../../src/domain';
import { LANGS } from '../../src/domain';
import { JAPANESE } from './fixtures';

type Table = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Table =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const looksLikeText = (v: unknown) => isPlainObject(v) && LANGS.some((lang) => typeof v[lang] === 'string');

const TABLES: [string, Table][] = Object.entries(domain as Record<string, unknown>).filter(
  (entry): entry is [string, Table] => isPlainObject(entry[1]) && Object.values(entry[1]).some(looksLikeText),
);

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('the tables are found', () => {
  expect(TABLES.map(([name]) => name)).toEqual(
    expect.arrayContaining([
      'REFUSAL_MESSAGES',
      'ADMIN_REFUSAL_MESSAGES',
      'FIELD_MESSAGES',
      'STAGE_LABEL',
      'STATUS_LABEL',
      'SUBSTATUS_LABEL',
      'DEAL_TYPE_LABEL',
      'CLOSE_REASON_LABEL',
      'REGISTRATION_STATUS_LABEL',
    ]),
  );
});

describe.each(TABLES)('%s', (_name, table) => {
  const entries = Object.entries(table);

  test('every entry is a text in exactly the product languages, none empty', () => {
    const problems = entries.flatMap(([key, text]) => {
      if (!isPlainObject(text)) return [`${key}: not a text`];
      const langs = Object.keys(text).sort();
      if (langs.join() !== [...LANGS].sort().join()) return [`${key}: languages ${langs.join(', ')}`];
      return LANGS.filter((lang) => typeof text[lang] !== 'string' || (text[lang] as string).trim() === '').map((lang) => `${key}.${lang}: empty`);
    });
    expect(problems).toEqual([]);
  });

  test('each entry names the same {placeholders} in every language', () => {
    const problems = entries.flatMap(([key, text]) => {
      const [first, ...others] = LANGS.map((lang) => ({ lang, params: placeholders(String((text as Table)[lang] ?? '')) }));
      return others
        .filter((o) => o.params.join() !== first!.params.join())
        .map((o) => `${key}: ${first!.lang} {${first!.params.join('}{')}} but ${o.lang} {${o.params.join('}{')}}`);
    });
    expect(problems).toEqual([]);
  });

  test('the Japanese is Japanese', () => {
    // Partner Center writes a few terms in Latin letters in Japanese too (CRM ID): the glossary says so, nothing else may.
    const latinInSeed = new Set<string>(Object.values(domain.TERMS).filter((t) => t.ja === t.en).map((t) => t.ja));
    const notJapanese = entries
      .filter(([, text]) => !JAPANESE.test(String((text as Table).ja)) && !latinInSeed.has(String((text as Table).ja)))
      .map(([key]) => key);
    expect(notJapanese).toEqual([]);
  });
});
