import { MessageFactory } from 'botbuilder';
import { z } from 'zod';
import { dealListCard } from '../cards/dealListCard';
import { t, type Locale } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { pipelineCard } from '../cards/pipelineCard';
import { cardAttachment, type AdaptiveCard } from '../cards/render';
import {
  DEAL_TYPE_LABEL,
  LIST_SEPARATOR,
  STAGE_LABEL,
  STATUS_LABEL,
  SUBSTATUS_LABEL,
  StatusSchema,
  SubstatusSchema,
  TERMS,
  termsNamed,
  foldKey as fold,
  refuse,
  stagesNamed,
  type DealFilter,
  type DealRecord,
  type DealType,
} from '../src/domain';
import type { CardAction, CardActionHandler } from './handlerTypes';
import { currentCard, notFoundCard } from './actions/dealCommand';
import type { BotServices } from './botServices';
import { personalDealCard, sharedDealCard } from './dealView';
import type { TextHandler } from './handlerTypes';
import type { Turn } from './turn';
import { VERBS } from '../cards/verbs';

/**
 * The deal chat commands: `deals` (filters, paging), `deal <n|id|name>`, `mine`, `pipeline`. Visibility (R1–R3) is
 * applied by the deal queries for every read.
 */

const PAGE_SIZE = 10;


/** Where a list page is: the typed filters, and the keyset cursors of this page and of the pages before it. */
export const DealListState = z.object({
  args: z.string().max(500).default(''),
  mine: z.boolean().default(false),
  cursor: z.string().max(100).optional(),
  back: z.array(z.string().max(100)).max(2000).default([]),
  /** The message holding the deal card this list opened last (personal chat): the next Open replaces it. */
  viewer: z.string().max(200).optional(),
});
export type DealListState = z.infer<typeof DealListState>;

/** Direction words: inbound/outbound, the glossary's インバウンド/アウトバウンド, and the words used before it. */
function directionOf(word: string): 'inbound' | 'outbound' | undefined {
  const v = fold(word);
  if (v === 'in') return 'inbound';
  if (v === 'out') return 'outbound';
  const terms = termsNamed(word, fold);
  return terms.includes('inbound') ? 'inbound' : terms.includes('outbound') ? 'outbound' : undefined;
}

/** Filter keys in English and Japanese, the glossary's (取引の種類:, 販売ステージ:) among them. */
type FilterKey = 'type' | 'stage' | 'status' | 'location' | 'person';

const KEY_ALIASES: Record<string, FilterKey> = {
  type: 'type',
  種類: 'type',
  [TERMS.dealType.ja]: 'type',
  stage: 'stage',
  ステージ: 'stage',
  [TERMS.salesStage.ja]: 'stage',
  status: 'status',
  状態: 'status',
  location: 'location',
  [TERMS.location.ja]: 'location',
  // Issue 17: deals a person created, accepted or is on the team of.
  person: 'person',
  担当者: 'person',
  担当: 'person',
};

function dealTypeOf(value: string): DealType | undefined {
  const v = fold(value);
  if (['sa', 'solutionassessment', 'assessment', fold(DEAL_TYPE_LABEL.solutionAssessment.ja), '評価'].includes(v)) return 'solutionAssessment';
  if (['cosell', 'co', fold(DEAL_TYPE_LABEL.coSell.ja)].includes(v)) return 'coSell';
  return undefined;
}

function statusFilterOf(value: string): Pick<DealFilter, 'status' | 'substatus'> | undefined {
  const v = fold(value);
  const former = termsNamed(value, fold);
  const named = (label: { ja: string; en: string }) => fold(label.ja) === v || former.some((k) => TERMS[k] === label);
  const status = StatusSchema.options.find((s) => fold(s) === v || named(STATUS_LABEL[s]));
  if (status) return { status };
  const substatus = SubstatusSchema.options.find((s) => fold(s) === v || named(SUBSTATUS_LABEL[s]));
  return substatus ? { substatus } : undefined;
}

export type ParsedFilters = { ok: true; filter: DealFilter; words: string[] } | { ok: false; error: string };

/** `inbound type:sa stage:collect data status:active location:tokyo` → a store filter, and the filters in words. */
export async function parseDealFilters(args: string, locale: Locale, services: BotServices, opts: { only?: readonly FilterKey[] } = {}): Promise<ParsedFilters> {
  const filter: DealFilter = {};
  const words: string[] = [];
  const values: Partial<Record<FilterKey, string>> = {};
  const unknown = (word: string): ParsedFilters => ({ ok: false, error: t(locale, 'deals.unknownFilter', { word }) });
  let current: keyof typeof values | undefined;
  const tokens = args.normalize('NFKC').match(/[^\s"]+:"[^"]*"|"[^"]*"|\S+/g) ?? [];
  for (const token of tokens) {
    const keyed = /^([^:\s]+):(.*)$/.exec(token);
    const key = keyed ? KEY_ALIASES[keyed[1]!.toLowerCase()] : undefined;
    if (keyed && key) {
      if (opts.only && !opts.only.includes(key)) return unknown(token);
      current = key;
      values[key] = keyed[2]!.replace(/^"|"$/g, '');
      continue;
    }
    // `incoming` / `未回答`: referrals nobody has answered yet (issue 14).
    if (!current && opts.only && (['incoming', 'unanswered', '未回答'].includes(fold(token)) || directionOf(token))) return unknown(token);
    if (['incoming', 'unanswered', '未回答'].includes(fold(token))) {
      filter.direction = 'inbound';
      filter.status = 'New';
      words.push(t(locale, 'deals.filter.unanswered'));
      current = undefined;
      continue;
    }
    const direction = directionOf(token);
    if (direction) {
      filter.direction = direction;
      current = undefined;
      continue;
    }
    // A value may have spaces: "stage:collect data" continues until the next filter.
    if (current) values[current] = `${values[current]} ${token.replace(/^"|"$/g, '')}`.trim();
    else return unknown(token);
  }
  if (filter.direction) words.unshift(t(locale, filter.direction === 'inbound' ? 'deals.inbound' : 'deals.outbound'));
  if (values.type !== undefined) {
    const type = dealTypeOf(values.type);
    if (!type) return { ok: false, error: t(locale, 'deals.badType', { value: values.type }) };
    filter.type = type;
    words.push(DEAL_TYPE_LABEL[type][locale]);
  }
  if (values.stage !== undefined) {
    // R22: a stage name or percentage maps per deal type; without a type filter it may name a stage of each type.
    const types: DealType[] = filter.type ? [filter.type] : ['solutionAssessment', 'coSell'];
    const named = stagesNamed(values.stage, types);
    if (!named.ok) return { ok: false, error: named.refusal.message[locale] };
    const stages = named.value;
    filter.stages = stages;
    words.push(t(locale, 'deals.filter.stage', { stage: stages.map((s) => STAGE_LABEL[s][locale]).join(' / ') }));
  }
  if (values.status !== undefined) {
    const status = statusFilterOf(values.status);
    if (!status) return { ok: false, error: t(locale, 'deals.badStatus', { value: values.status }) };
    Object.assign(filter, status);
    const label = status.status ? STATUS_LABEL[status.status][locale] : SUBSTATUS_LABEL[status.substatus!][locale];
    words.push(t(locale, 'deals.filter.status', { status: label }));
  }
  if (values.location !== undefined) {
    const wanted = fold(values.location);
    const locations = (await services.people.locations()).filter((l) => fold(l.id).includes(wanted) || fold(l.name).includes(wanted));
    if (!wanted || locations.length === 0) return { ok: false, error: t(locale, 'deals.badLocation', { value: values.location }) };
    filter.locationIds = locations.map((l) => l.id);
    words.push(t(locale, 'deals.filter.location', { location: locations.map((l) => l.name).join(' / ') }));
  }
  if (values.person !== undefined) {
    // A part of a name or an email; several matches mean any of them (as for locations).
    const wanted = fold(values.person);
    const people = (await services.people.all()).filter((p) => fold(p.name).includes(wanted) || (p.email !== null && fold(p.email).includes(wanted)));
    if (!wanted || people.length === 0) return { ok: false, error: t(locale, 'insights.badPerson', { value: values.person }) };
    filter.people = people.map((p) => ({ id: p.id, email: p.email?.toLowerCase() ?? null }));
    words.push(t(locale, 'insights.filter.person', { person: people.map((p) => p.name).join(' / ') }));
  }
  return { ok: true, filter, words };
}

/** One page of the list as a card, with Next/Previous carrying the cursors (keyset paging, stable under inserts). */
export async function dealListPage(turn: Pick<Turn, 'actor' | 'locale'>, services: BotServices, state: DealListState): Promise<AdaptiveCard> {
  const { locale, actor } = turn;
  if (actor.role === null) return messageCard(t(locale, 'deals.title'), [refuse('NO_ROLE').message[locale]], 'attention');
  const parsed = await parseDealFilters(state.args, locale, services);
  if (!parsed.ok) return messageCard(t(locale, 'deals.title'), [parsed.error, t(locale, 'deals.usage')], 'attention');
  const page = await services.queries.list(actor, { ...parsed.filter, mine: state.mine || undefined }, { limit: PAGE_SIZE, cursor: state.cursor });
  const here = { args: state.args, mine: state.mine, viewer: state.viewer };
  return dealListCard(locale, {
    title: t(locale, state.mine ? 'deals.titleMine' : 'deals.title'),
    filters: parsed.words.join(LIST_SEPARATOR[locale]),
    deals: page.items,
    page: state.back.length + 1,
    rows: { ...here, cursor: state.cursor, back: state.back },
    next: page.next ? { ...here, cursor: page.next, back: [...state.back, state.cursor ?? ''] } : undefined,
    previous: state.back.length ? { ...here, cursor: state.back.at(-1) || undefined, back: state.back.slice(0, -1) } : undefined,
  });
}

/**
 * Sends the deal card as a new message — or, with `replace`, puts it into that earlier message of the bot — and
 * records the copy, so later changes update it (R18/R24). Returns the message id (undefined when Teams gave none).
 */
export async function showDeal(turn: Turn, services: BotServices, deal: DealRecord, opts: { replace?: string } = {}): Promise<string | undefined> {
  const activity = turn.context.activity;
  const deciders = await services.publisher.deciders(deal);
  const ctx = { now: new Date(), today: turn.today, timeZone: turn.timeZone, config: services.domain };
  // In a personal chat the card carries the user's own buttons; in shared chats everyone gets their own view by refresh.
  const card =
    (activity.conversation?.conversationType ?? 'personal') === 'personal'
      ? personalDealCard(deal, turn.actor, turn.locale, ctx, undefined, deciders, services.partnerCenter?.linkOf)
      : sharedDealCard(deal, turn.locale, deciders, services.partnerCenter?.linkOf);
  let id: string | undefined;
  if (opts.replace) {
    try {
      await turn.context.updateActivity({ type: 'message', id: opts.replace, attachments: [cardAttachment(card)] });
      id = opts.replace;
    } catch (err) {
      // Deleted, or too old to edit: a new message instead.
      services.logger.debug({ err, activityId: opts.replace }, 'could not reuse the opened deal card; sending a new one');
    }
  }
  id ??= (await turn.context.sendActivity(MessageFactory.attachment(cardAttachment(card))))?.id;
  // Tracking a reused message moves it to this deal: the deal shown before no longer refreshes it.
  if (id && activity.conversation?.id) await services.publisher.track(deal, activity.conversation.id, id);
  return id;
}

const reply = (turn: Turn, card: AdaptiveCard) => turn.context.sendActivity(MessageFactory.attachment(cardAttachment(card)));

const deals: TextHandler = async (turn, args, services) => {
  await reply(turn, await dealListPage(turn, services, { args, mine: false, back: [] }));
};

const mine: TextHandler = async (turn, args, services) => {
  await reply(turn, await dealListPage(turn, services, { args, mine: true, back: [] }));
};

/** `deal 42`, `deal #42`, `deal <id>` or `deal <part of a name>`: one match shows the card, several a list. */
const deal: TextHandler = async (turn, args, services) => {
  const { locale, actor } = turn;
  const wanted = args.replace(/^#/, '').trim();
  if (!wanted) return void (await reply(turn, messageCard(t(locale, 'deal.find.title'), [t(locale, 'deal.find.usage')])));
  // A number or id names one deal: no guessing by name when it is not there (or not visible).
  if (/^\d{1,9}$|^[0-9a-f-]{36}$/i.test(wanted)) {
    const direct = await services.queries.get(wanted, actor);
    if (direct.ok) return void (await showDeal(turn, services, direct.value));
    return void (await reply(turn, messageCard(t(locale, 'deal.notFound.title'), [t(locale, 'deal.find.none', { query: wanted })], 'attention')));
  }
  const matches = await services.queries.list(actor, { q: wanted }, { limit: PAGE_SIZE });
  if (matches.items.length === 1) return void (await showDeal(turn, services, matches.items[0] as DealRecord));
  if (matches.items.length === 0) {
    return void (await reply(turn, messageCard(t(locale, 'deal.notFound.title'), [t(locale, 'deal.find.none', { query: wanted })], 'attention')));
  }
  await reply(
    turn,
    dealListCard(locale, {
      title: t(locale, 'deal.find.several', { query: wanted }),
      filters: '',
      deals: matches.items,
      page: 1,
      notice: matches.next ? { kind: 'attention', text: t(locale, 'deal.find.narrow') } : undefined,
    }),
  );
};

const pipeline: TextHandler = async (turn, _args, services) => {
  const { locale, actor } = turn;
  if (actor.role === null) return void (await reply(turn, messageCard(t(locale, 'pipeline.title'), [refuse('NO_ROLE').message[locale]], 'attention')));
  const result = await services.queries.pipeline(actor);
  const names = new Map((await services.people.locations()).map((l) => [l.id, l.name]));
  const locations = actor.scope.global ? t(locale, 'pipeline.scope.global') : actor.scope.locations.map((id) => names.get(id) ?? id).join(', ');
  const scope = t(locale, actor.role === 'admin' ? 'pipeline.scope.admin' : 'pipeline.scope.user', { locations });
  await reply(turn, pipelineCard(locale, result, scope));
};

export const dealTextHandlers = { deals, mine, deal, pipeline } satisfies Record<string, TextHandler>;

// ----- card verbs of the list -----

const openDeal = z.object({ dealId: z.string().min(1).max(64), list: DealListState.optional() });

/**
 * A row of the list: the deal card arrives below the list, which stays as it was. In a personal chat the list keeps
 * one deal card: opening another deal replaces the one it opened before instead of adding a copy each time (issue
 * 14). In shared chats a card once shown may be read by others, so each Open posts its own.
 */
const open: CardActionHandler = async (action: CardAction) => {
  const parsed = openDeal.safeParse(action.data);
  if (!parsed.success) return notFoundCard(action);
  const found = await action.services.queries.get(parsed.data.dealId, action.turn.actor);
  if (!found.ok) return notFoundCard(action);
  const list = parsed.data.list;
  if (!list) return currentCard(action, found.value);
  const personal = (action.turn.context.activity.conversation?.conversationType ?? 'personal') === 'personal';
  const viewer = await showDeal(action.turn, action.services, found.value, { replace: personal ? list.viewer : undefined });
  return dealListPage(action.turn, action.services, { ...list, viewer: personal ? viewer : undefined });
};

const page: CardActionHandler = async (action) => {
  const parsed = DealListState.safeParse(action.data);
  if (!parsed.success) return messageCard(t(action.turn.locale, 'deals.title'), [t(action.turn.locale, 'deals.usage')], 'attention');
  return dealListPage(action.turn, action.services, parsed.data);
};

export const dealListVerbs: Record<string, CardActionHandler> = { [VERBS.dealOpen]: open, [VERBS.dealsPage]: page };
