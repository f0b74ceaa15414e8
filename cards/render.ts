import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { TrustedMarkdown, cleanText, escapeMarkdown } from './markdown';

/** The Adaptive Card JSON this product sends. Teams needs 1.5 for Universal Actions; nothing above 1.5 is used. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: '1.5';
  body: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

// The templating engine reports each field a template names but the data lacks through this global hook;
// expand() is synchronous, so collecting into a variable set around the call is safe.
let unboundFields: string[] | undefined;
ACData.GlobalSettings.getUndefinedFieldValueSubstitutionString = (path: string) => {
  unboundFields?.push(path);
  return undefined; // keep the default: the expression stays in the text
};

// A template is parsed once; templates are module-level JSON objects, so the object itself is the key.
const templates = new WeakMap<object, ACData.Template>();
function templateOf(json: object): ACData.Template {
  let template = templates.get(json);
  if (!template) {
    template = new ACData.Template(json);
    templates.set(json, template);
  }
  return template;
}

// --- Untrusted text (issue 15) ----------------------------------------------------------------------------------
//
// Every string in a card's data is outside text unless it is a TrustedMarkdown. Trusted markdown travels through
// the templating engine between two noncharacters (which cleanText strips from every other string, so no outside
// text can forge them); after binding, each property is finished by what Teams does with it:
//   markdown (TextBlock.text, Fact.title, Fact.value): escaped, except the trusted stretches;
//   shown as plain text (action, choice and toggle titles, labels, placeholders, error messages, alt text):
//     invisible and control characters removed, nothing escaped (a backslash there would show);
//   data (input values, choice values, action data, ids, verbs, urls): left exactly as given, so what a user submits
//     back is what was stored.

const TRUST_OPEN = '\uFDD0';
const TRUST_CLOSE = '\uFDD1';
const MARKERS = /[\uFDD0\uFDD1]/g;

/** Plain-text properties a user sees (all but TextBlock and Fact, which are Markdown). */
const SHOWN_AS_PLAIN_TEXT = new Set(['title', 'label', 'placeholder', 'errorMessage', 'altText', 'fallbackText', 'tooltip']);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** The data as the templating engine gets it: trusted markdown marked, the markers stripped from everything else. */
function markTrusted(value: unknown): unknown {
  if (value instanceof TrustedMarkdown) return value.markdown === '' ? '' : `${TRUST_OPEN}${value.markdown.replace(MARKERS, '')}${TRUST_CLOSE}`;
  if (typeof value === 'string') return value.replace(MARKERS, '');
  if (Array.isArray(value)) return value.map(markTrusted);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markTrusted(v)]));
  return value;
}

/** Markdown property: outside text escaped, trusted stretches kept (cleaned of invisible characters only). */
function asMarkdown(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const open = rest.indexOf(TRUST_OPEN);
    const close = open < 0 ? -1 : rest.indexOf(TRUST_CLOSE, open);
    if (close < 0) return out + escapeMarkdown(rest.replace(MARKERS, ''));
    out += escapeMarkdown(rest.slice(0, open)) + cleanText(rest.slice(open + 1, close));
    rest = rest.slice(close + 1);
  }
}

const asPlainText = (text: string) => cleanText(text.replace(MARKERS, ''));
const asData = (text: string) => text.replace(MARKERS, '');

function asDataDeep(node: unknown): unknown {
  if (typeof node === 'string') return asData(node);
  if (Array.isArray(node)) return node.map(asDataDeep);
  if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, asDataDeep(v)]));
  return node;
}

function finishText(node: unknown, key?: string): unknown {
  if (typeof node === 'string') return key !== undefined && SHOWN_AS_PLAIN_TEXT.has(key) ? asPlainText(node) : asData(node);
  if (Array.isArray(node)) return node.map((n) => finishText(n));
  if (!isPlainObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (node.type === 'TextBlock' && k === 'text' && typeof v === 'string') out[k] = asMarkdown(v);
    else if (node.type === 'FactSet' && k === 'facts' && Array.isArray(v)) {
      out[k] = v.map((f) =>
        isPlainObject(f) ? Object.fromEntries(Object.entries(f).map(([fk, fv]) => [fk, typeof fv === 'string' ? asMarkdown(fv) : finishText(fv)])) : finishText(f),
      );
    } else if (k === 'data') out[k] = asDataDeep(v); // what an action submits: never rewritten
    else out[k] = finishText(v, k);
  }
  return out;
}

/** The card as bound, before its text is finished: trusted stretches still marked (tests compare the two). */
export function bindTemplate(template: object, data: object): unknown {
  return templateOf(template).expand({ $root: markTrusted(data) });
}

/**
 * Binds a card template (JSON kept as data under cards/templates) to its data. The result is checked to be an
 * Adaptive Card 1.5 and every field the template names must be in the data, so a renamed field fails loudly in
 * tests instead of showing a raw `${…}` to the user. Values in the data are never evaluated as expressions, and
 * every string in them is outside text (see above) unless it is a TrustedMarkdown.
 */
export function renderCard<TData extends object>(template: object, data: TData): AdaptiveCard {
  unboundFields = [];
  let card: Record<string, unknown>;
  let missing: string[];
  try {
    card = finishText(bindTemplate(template, data)) as Record<string, unknown>;
  } finally {
    missing = unboundFields;
    unboundFields = undefined;
  }
  if (card.type !== 'AdaptiveCard' || card.version !== '1.5') {
    throw new Error(`Card template must be an AdaptiveCard of version 1.5, got ${String(card.type)} ${String(card.version)}`);
  }
  if (missing.length > 0) throw new Error(`Card template names fields missing from its data: ${[...new Set(missing)].join(', ')}`);
  return card as AdaptiveCard;
}

export function cardAttachment(card: AdaptiveCard): Attachment {
  return CardFactory.adaptiveCard(card);
}
