import {
  CLOSE_REASON_LABEL,
  DEAL_TYPE_LABEL,
  LIST_SEPARATOR,
  MANDATORY_SA_STAGES,
  REGISTRATION_STATUS_LABEL,
  STAGE_LABEL,
  STATUS_LABEL,
  SUBSTATUS_LABEL,
  formatDate,
  formatDateTime,
  formatMoney,
  stageLabel,
  stagePercent,
} from '../src/domain';
import type { DealRecord } from '../src/domain';
import { t, type Locale, type MessageKey } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import { referralFacts } from './referralFacts';
import { syncLine } from './syncCards';
import template from './templates/deal.json';
import confirmTemplate from './templates/confirm.json';
import { VERBS } from './verbs';

/** One deal card, used everywhere a deal is shown. The bot decides the buttons; this only draws them. */

export interface CardButton {
  title: string;
  verb: string;
  data: Record<string, unknown>;
  /** Teams styles `positive` green and `destructive` red. */
  style?: 'positive' | 'destructive' | 'default';
  /** Drawn greyed out (Adaptive Cards 1.5 `isEnabled`); the hint line says why. */
  enabled?: boolean;
  /** `primary` (default): the card's own action bar, the stage flow. `secondary`: a row under the card body. */
  group?: 'primary' | 'secondary';
  /**
   * An action that cannot be undone (受注/Won) asks first: the button opens (Action.ShowCard) what will happen and a
   * confirm button that carries the verb; the handler still asks the state machine.
   */
  confirm?: { lines: string[]; button: string };
}

export interface Notice {
  text: string;
  kind: 'good' | 'attention' | 'warning';
}

/** A note as the card shows it: the newest of the dated history. */
export interface NoteView {
  text: string;
  authorName?: string | null;
  createdAt?: Date | null;
}

export interface DealCardOptions {
  buttons: CardButton[];
  notice?: Notice;
  /** A line under the card (why buttons are missing, what unlocks Won). */
  hint?: string;
  /** refresh.userIds: Teams fetches a personal view (verb `deal.refresh`) for these users (≤ 60). */
  refreshUserIds?: string[];
  /** Issue 13: where the deal opens in Partner Center (a link button). */
  partnerCenterUrl?: string;
  /** The reader's time zone (personal views); shared cards leave it out and show the location's. */
  timeZone?: string;
  /** Co-sell (R21): the stages the user may set, as a drop-down the "Set stage" button submits (input id `stage`). */
  stageChoice?: { label: string; choices: { title: string; value: string }[] };
}

const NOTICE_STYLE: Record<Notice['kind'], string> = { good: 'good', attention: 'attention', warning: 'warning' };

/** A note longer than this is cut on the card; the History card shows it whole. */
const NOTE_PREVIEW_CHARS = 600;

export { formatMoney };

/**
 * The zone a card's times are shown in: the reader's when one reader is known (a personal view), else the deal's
 * location's (a shared or proactive card), else Tokyo for Japanese and UTC for English.
 */
export function zoneFor(deal: Pick<DealRecord, 'locationTimeZone'> | null, locale: Locale, readerZone?: string): string {
  return readerZone ?? deal?.locationTimeZone ?? (locale === 'ja' ? 'Asia/Tokyo' : 'UTC');
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "▰▰▰▰▱▱▱▱▱▱": the stage percentage as a bar of ten. */
export function progressBar(percent: number): string {
  const filled = Math.round(Math.min(Math.max(percent, 0), 100) / 10);
  return '▰'.repeat(filled) + '▱'.repeat(10 - filled);
}

/** The facts under the title. Other features add theirs with one `fact(...)` line each. */
function factsOf(deal: DealRecord, locale: Locale, zone: string) {
  const facts: { title: string; value: string }[] = [];
  const fact = (key: MessageKey, value: string | null | undefined) => {
    if (value) facts.push({ title: t(locale, key), value });
  };
  fact('deal.fact.customer', [deal.customer.name, deal.customer.city, deal.customer.duns ? `DUNS ${deal.customer.duns}` : null].filter(Boolean).join(LIST_SEPARATOR[locale]));
  fact('deal.fact.location', deal.locationName || deal.locationId);
  fact('deal.fact.value', formatMoney(deal.value, deal.currency, locale));
  fact('deal.fact.closeDate', formatDate(deal.closeDate, locale));
  fact('deal.fact.type', DEAL_TYPE_LABEL[deal.type][locale]);
  if (deal.type === 'solutionAssessment') {
    fact('deal.fact.assessment', [deal.assessmentType, deal.assessmentLocation].filter(Boolean).join(LIST_SEPARATOR[locale]));
  } else {
    fact('deal.fact.solutions', deal.solutions.map((s) => s.name).join(', '));
  }
  // R7 / the seed's 受け取り stage: the customer's contact, so the team can call them — only with their consent.
  fact('deal.fact.contact', contactLine(deal, locale));
  fact('deal.fact.microsoftHelp', deal.contact.askMicrosoftHelp ? t(locale, 'deal.fact.microsoftHelpAsked') : null);
  fact('deal.fact.specialistNote', deal.specialistNote ? clip(deal.specialistNote, NOTE_PREVIEW_CHARS) : null);
  fact('deal.fact.team', deal.team.map((m) => m.name).join(locale === 'ja' ? '、' : ', '));
  fact('deal.fact.crmId', deal.crmId);
  fact('deal.fact.campaignId', deal.campaignId);
  if (deal.sender) fact('deal.fact.sender', [deal.sender.name, deal.sender.organizationName].filter(Boolean).join(LIST_SEPARATOR[locale]));
  facts.push(...referralFacts(deal, locale)); // R14: expires in N days, requirements, sender's message
  const sync = syncLine(deal, locale, zone); // issue 13: where the deal stands in Partner Center
  if (sync) facts.push({ title: t(locale, 'sync.fact'), value: sync });
  if (deal.status === 'Closed') {
    fact('deal.fact.closed', [deal.closedByName, deal.closedAt ? formatDate(deal.closedAt, locale, zone) : null].filter(Boolean).join(locale === 'ja' ? '、' : ', '));
    if (deal.closeMessage) fact('deal.fact.closeMessage', clip(deal.closeMessage, NOTE_PREVIEW_CHARS));
  }
  return facts;
}

/** The customer's contact as one line, when there is one and the customer agreed to be contacted. */
export function contactLine(deal: Pick<DealRecord, 'contact' | 'consent' | 'direction'>, locale: Locale): string | null {
  const c = deal.contact;
  const consented = deal.direction === 'inbound' ? deal.consent.consentToContact || c.consent : c.consent;
  if (!consented) return null;
  const parts = [c.name, c.phone, c.email].filter((p): p is string => !!p && p.trim() !== '');
  return parts.length ? parts.join(LIST_SEPARATOR[locale]) : null;
}

function checklistOf(deal: DealRecord, locale: Locale, zone: string) {
  if (deal.type !== 'solutionAssessment' || deal.status === 'New') return [];
  return MANDATORY_SA_STAGES.map((stage) => {
    const done = deal.completions.find((c) => c.stage === stage);
    const label = STAGE_LABEL[stage][locale];
    return done
      ? { mark: '✔', color: 'Good', text: t(locale, 'deal.checklistDone', { stage: label, by: done.byName, date: formatDateTime(done.at, locale, zone) }) }
      : { mark: '○', color: 'Default', text: t(locale, 'deal.checklistOpen', { stage: label }) };
  });
}

function registrationOf(deal: DealRecord, locale: Locale, zone: string) {
  const r = deal.registration;
  if (!r) return { title: '', color: 'Default', facts: [] as { title: string; value: string }[] };
  const yesNo = (b: boolean) => t(locale, b ? 'deal.yes' : 'deal.no');
  const facts = [
    { title: t(locale, 'deal.registration.contractValue'), value: formatMoney(r.contractValue, r.currency, locale) },
    { title: t(locale, 'deal.registration.signed'), value: formatDate(r.contractSignedDate, locale) },
    { title: t(locale, 'deal.registration.term'), value: `${formatDate(r.contractStartDate, locale)} – ${formatDate(r.contractEndDate, locale)}` },
    { title: t(locale, 'deal.registration.azure'), value: yesNo(r.deployedOnAzure) },
    { title: t(locale, 'deal.registration.marketplace'), value: yesNo(r.marketplaceTransaction) },
    { title: t(locale, 'deal.registration.submitted'), value: [r.submittedByName, formatDate(r.submittedAt, locale, zone)].join(locale === 'ja' ? '、' : ', ') },
  ];
  if (r.notes) facts.push({ title: t(locale, 'deal.registration.notes'), value: clip(r.notes, NOTE_PREVIEW_CHARS) });
  if (r.reviewedByName) {
    facts.push({ title: t(locale, 'deal.registration.reviewed'), value: [r.reviewedByName, r.reviewedAt ? formatDate(r.reviewedAt, locale, zone) : null].filter(Boolean).join(locale === 'ja' ? '、' : ', ') });
  }
  if (r.reviewNote) facts.push({ title: t(locale, 'deal.registration.reviewNote'), value: clip(r.reviewNote, NOTE_PREVIEW_CHARS) });
  const color = r.status === 'Approved' ? 'Good' : r.status === 'PendingReview' ? 'Accent' : 'Attention';
  return { title: t(locale, 'deal.registration.title', { status: REGISTRATION_STATUS_LABEL[r.status][locale] }), color, facts };
}

function noteOf(note: NoteView | string | undefined, locale: Locale, zone: string) {
  const view = typeof note === 'string' ? { text: note } : note;
  const meta = view?.authorName ? [view.authorName, view.createdAt ? formatDateTime(view.createdAt, locale, zone) : null].filter(Boolean).join(locale === 'ja' ? '、' : ', ') : '';
  return { title: t(locale, 'deal.latestNote'), meta, text: view ? clip(view.text, NOTE_PREVIEW_CHARS) : '' };
}

const actionOf = (b: CardButton) => ({
  title: b.title,
  verb: b.verb,
  data: b.data,
  style: b.style ?? 'default',
  enabled: b.enabled ?? true,
});

export function dealCardData(deal: DealRecord, locale: Locale, opts: DealCardOptions, latestNote?: NoteView | string) {
  const percent = stagePercent(deal.stage);
  const zone = zoneFor(deal, locale, opts.timeZone);
  const status =
    t(locale, 'deal.status', { status: STATUS_LABEL[deal.status][locale], substatus: SUBSTATUS_LABEL[deal.substatus][locale] }) +
    (deal.closeReason ? ` — ${t(locale, 'deal.closedReason', { reason: CLOSE_REASON_LABEL[deal.closeReason][locale] })}` : '');
  return {
    notice: opts.notice?.text ?? '',
    noticeStyle: opts.notice ? NOTICE_STYLE[opts.notice.kind] : 'default',
    title: deal.name,
    subtitle: [t(locale, 'deal.number', { number: deal.number }), t(locale, deal.direction === 'inbound' ? 'deal.inbound' : 'deal.outbound')].join(LIST_SEPARATOR[locale]),
    label: deal.type === 'solutionAssessment' ? DEAL_TYPE_LABEL.solutionAssessment[locale] : '',
    status,
    statusColor: deal.status === 'Closed' ? (deal.substatus === 'Won' ? 'Good' : 'Attention') : 'Accent',
    progress: {
      bar: progressBar(percent),
      color: deal.substatus === 'Won' ? 'Good' : deal.status === 'Closed' ? 'Attention' : 'Accent',
      text: t(locale, 'deal.stagePercent', { stage: stageLabel(deal)[locale], percent }),
    },
    facts: factsOf(deal, locale, zone),
    checklistTitle: t(locale, 'deal.checklist'),
    checklist: checklistOf(deal, locale, zone),
    registration: registrationOf(deal, locale, zone),
    latestNote: noteOf(latestNote, locale, zone),
    stageChoiceLabel: opts.stageChoice?.label ?? '',
    stageChoiceValue: opts.stageChoice?.choices[0]?.value ?? '',
    stageChoices: opts.stageChoice?.choices ?? [],
    hint: opts.hint ?? '',
    primary: opts.buttons.filter((b) => (b.group ?? 'primary') === 'primary').map(actionOf),
    secondary: opts.buttons.filter((b) => b.group === 'secondary').map(actionOf),
  };
}

export function dealCard(deal: DealRecord, locale: Locale, opts: DealCardOptions, latestNote?: NoteView | string): AdaptiveCard {
  const card = renderCard(template, dealCardData(deal, locale, opts, latestNote));
  if (Array.isArray(card.actions)) {
    // Keep the JSON lean: Teams' defaults for style and isEnabled need not be spelled out.
    card.actions = card.actions.map((a) => {
      const { style, isEnabled, ...rest } = a as Record<string, unknown>;
      return { ...rest, ...(style !== 'default' ? { style } : {}), ...(isEnabled === false ? { isEnabled } : {}) };
    });
    const primary = opts.buttons.filter((b) => (b.group ?? 'primary') === 'primary');
    card.actions = card.actions.map((a, i) => {
      const b = primary[i];
      if (!b?.confirm || b.enabled === false) return a;
      const inner = renderCard(confirmTemplate, { lines: b.confirm.lines, button: b.confirm.button, verb: b.verb, data: b.data, style: b.style ?? 'default' });
      const { version: _version, ...showCard } = inner;
      return { type: 'Action.ShowCard', title: b.title, card: showCard };
    });
    if (card.actions.length === 0) delete card.actions;
  }
  if (opts.partnerCenterUrl) {
    const open = { type: 'Action.OpenUrl', title: t(locale, 'sync.action.open'), url: opts.partnerCenterUrl };
    card.actions = [...((card.actions as unknown[] | undefined) ?? []), open];
  }
  if (opts.refreshUserIds?.length) {
    card.refresh = {
      action: { type: 'Action.Execute', verb: VERBS.dealRefresh, data: { dealId: deal.id } },
      userIds: opts.refreshUserIds.slice(0, 60),
    };
  }
  return card;
}
