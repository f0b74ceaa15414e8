import fs from 'node:fs';
import path from 'node:path';
import * as render from '../../cards/render';
import { catalog, type Locale } from '../../cards/i18n';
import * as domain from '../../src/domain';
import { API_ERRORS, SERVER_ERRORS } from '../../src/http/errors';
import { FORBIDDEN_TERMS, TERMS, fieldLabel, forbiddenTermsIn, mapStage, type Lang } from '../../src/domain';
import { coreCardBuilders } from './builders/coreCards';
import { dealCardBuilders } from './builders/dealCards';
import { otherCardBuilders } from './builders/otherCards';
import { digestCardBuilders } from './builders/digestCards';

/**
 * Issue 14, section 1: one glossary, the seed's words. Every card the bot can send (the builders of allCards.test.ts,
 * with realistic data), every catalog message and every ja/en table of the domain is read as a user reads it, and
 * fails on a word the glossary marks "not this", on an internal field id, and on the machine-like spacing the issue
 * lists.
 */

const BUILDERS = [...coreCardBuilders, ...dealCardBuilders, ...otherCardBuilders, ...digestCardBuilders];

/** The text a user reads on a card: every string under a property Teams shows. */
function shownText(card: unknown): string[] {
  const out: string[] = [];
  const SHOWN = new Set(['text', 'title', 'label', 'placeholder', 'errorMessage', 'value', 'fallbackText']);
  const walk = (node: unknown, key?: string, parentType?: string): void => {
    if (typeof node === 'string') {
      // Input values are the user's own data; Fact values and TextBlock texts are shown.
      if (key && SHOWN.has(key) && !(key === 'value' && parentType?.startsWith('Input.'))) out.push(node);
      return;
    }
    if (Array.isArray(node)) return node.forEach((n) => walk(n, key, parentType));
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) if (k !== 'data' && k !== 'verb' && k !== 'id') walk(v, k, typeof o.type === 'string' ? o.type : parentType);
  };
  walk(card);
  return out;
}

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** What reads like a machine wrote it, in Japanese text (issue 14: stray spaces, mixed さん, mixed separators). */
function machineLike(s: string): string[] {
  const found: string[] = [];
  if (/[\u3040-\u30ff\u4e00-\u9fff] +の/.test(s)) found.push('space before の');
  if (/。 +\S/.test(s)) found.push('space after 。');
  if (/\S +さん/.test(s)) found.push('space before さん');
  if (s.includes('·')) found.push('· in Japanese (use ・)');
  if (/を完了: /.test(s)) found.push('「…を完了: …」');
  if (/次の後に/.test(s)) found.push('「…次の後に…」');
  return found;
}

const INTERNAL_IDS = /\b(locationId|customerId|closeDate|dealType|assessmentType|campaignId|crmId)\b/;

function problemsIn(texts: string[], lang: Lang): string[] {
  return texts.flatMap((s) => [
    ...forbiddenTermsIn(s, lang).map((f) => `"${f.word}" (use "${f.use}") in: ${s}`),
    ...(lang === 'ja' && JAPANESE.test(s) ? machineLike(s).map((m) => `${m} in: ${s}`) : []),
    ...(INTERNAL_IDS.test(s.replace(/\{\w+\}/g, '')) ? [`internal field id in: ${s}`] : []),
  ]);
}

describe('the glossary', () => {
  test('uses the seed’s Japanese for the terms the issue names', () => {
    expect(TERMS.created.ja).toBe('作成');
    expect(TERMS.accepted.ja).toBe('承認済み');
    expect(TERMS.registrationApproved.ja).not.toBe(TERMS.accepted.ja);
    expect(TERMS.secureCustomerLoe.ja).toBe('顧客 LOE の確保');
    expect(TERMS.collectData.ja).toBe('データを収集する');
    expect(TERMS.presentToCustomer.ja).toBe('顧客への提示');
    expect([TERMS.won.ja, TERMS.lost.ja, TERMS.closed.ja, TERMS.received.ja]).toEqual(['受注', '失注', '終了', '受け取り']);
    expect([TERMS.inbound.ja, TERMS.outbound.ja, TERMS.salesStage.ja]).toEqual(['インバウンド', 'アウトバウンド', '販売ステージ']);
    expect([TERMS.estimatedValue.ja, TERMS.estimatedCloseDate.ja, TERMS.notes.ja, TERMS.crmId.ja]).toEqual(['推定値', '推定成立日', 'ノート', 'CRM ID']);
    expect(TERMS.declineSubmit.ja).toBe('終了する');
    expect(TERMS.specialistNote.ja).toBe('Microsoft ソリューション評価スペシャリストのための覚書');
  });

  test('no glossary term is itself a "not this" word', () => {
    for (const lang of ['ja', 'en'] as const) expect(Object.values(TERMS).flatMap((t) => forbiddenTermsIn(t[lang], lang))).toEqual([]);
  });

  test('finds a "not this" word, but not inside an allowed term', () => {
    expect(forbiddenTermsIn('取引を成立にしました', 'ja').map((f) => f.word)).toEqual(['成立']);
    expect(forbiddenTermsIn('推定成立日: 2027年2月28日', 'ja')).toEqual([]);
    expect(FORBIDDEN_TERMS.ja.length).toBeGreaterThan(10);
  });

  test('names fields, never their ids', () => {
    expect(fieldLabel('locationId')).toEqual(TERMS.location);
    expect(fieldLabel('/location')).toEqual(TERMS.location);
    expect(fieldLabel('details/dealValue')).toEqual(TERMS.estimatedValue);
  });

  test('the stage mapping accepts the seed’s names, the English ones and the former ones', () => {
    for (const name of ['データを収集する', 'Collect data', 'collectData', 'データの収集', '40%']) {
      expect(mapStage(name, 'solutionAssessment')).toEqual({ ok: true, value: 'collectData' });
    }
    expect(mapStage('顧客への提示', 'solutionAssessment')).toEqual({ ok: true, value: 'presentToCustomer' });
    expect(mapStage('受注', 'coSell')).toEqual({ ok: true, value: 'won' });
  });
});

describe.each(['ja', 'en'] as const)('in %s', (lang) => {
  test.each(BUILDERS.map((b) => [b.name, b] as const))('card %s uses the glossary’s words', (_name, builder) => {
    expect(problemsIn(shownText(builder.build(lang as Locale)), lang)).toEqual([]);
  });

  test('every catalog message uses the glossary’s words', () => {
    expect(problemsIn(Object.values(catalog(lang)), lang)).toEqual([]);
  });

  test('every ja/en table of the domain (refusals, field messages, labels) uses the glossary’s words', () => {
    const texts = Object.values(domain as Record<string, unknown>)
      .filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v))
      .flatMap((table) => Object.values(table))
      .filter((t): t is Record<Lang, string> => typeof t === 'object' && t !== null && typeof (t as Record<string, unknown>)[lang] === 'string')
      .map((t) => t[lang]);
    expect(texts.length).toBeGreaterThan(100);
    expect(problemsIn(texts, lang)).toEqual([]);
  });

  test('the API’s localized errors use the glossary’s words', () => {
    const texts = [...Object.values(API_ERRORS), ...Object.values(SERVER_ERRORS)].map((e) => e.message[lang]);
    expect(problemsIn(texts, lang)).toEqual([]);
  });
});

test('the app manifest (en) and its Japanese strings use the glossary’s words', () => {
  const dir = path.join(__dirname, '../../appPackage');
  const strings = (v: unknown): string[] =>
    typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : typeof v === 'object' && v !== null ? Object.values(v).flatMap(strings) : [];
  const ja = JSON.parse(fs.readFileSync(path.join(dir, 'ja.json'), 'utf8')) as Record<string, string>;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { description: unknown; bots: unknown };
  expect(problemsIn(Object.entries(ja).filter(([k]) => k !== '$schema').map(([, v]) => v), 'ja')).toEqual([]);
  expect(problemsIn(strings([manifest.description, manifest.bots]), 'en')).toEqual([]);
  expect(ja['description.full']).toContain(TERMS.salesStage.ja);
});

// The renderer module is imported so that a template change that breaks binding fails here too, not only in allCards.
void render;
