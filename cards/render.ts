import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';

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

/**
 * Binds a card template (JSON kept as data under cards/templates) to its data. The result is checked to be an
 * Adaptive Card 1.5 and every field the template names must be in the data, so a renamed field fails loudly in
 * tests instead of showing a raw `${…}` to the user. Values in the data are never evaluated as expressions.
 */
export function renderCard<TData extends object>(template: object, data: TData): AdaptiveCard {
  unboundFields = [];
  let card: Record<string, unknown>;
  let missing: string[];
  try {
    card = templateOf(template).expand({ $root: data }) as Record<string, unknown>;
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
