import {
  CLOSE_REASON_LABEL,
  DEAL_TYPE_LABEL,
  MANDATORY_SA_STAGES,
  REGISTRATION_STATUS_LABEL,
  STAGE_LABEL,
  STATUS_LABEL,
  SUBSTATUS_LABEL,
  stagePercent,
} from '../src/domain';
import type { DealRecord } from '../src/store/dealStore';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/deal.json';

/** One deal card, used everywhere a deal is shown. The bot decides the buttons; this only draws them. */

export interface CardButton {
  title: string;
  verb: string;
  data: Record<string, unknown>;
  /** Teams styles `positive` green and `destructive` red. */
  style?: 'positive' | 'destructive' | 'default';
}

export interface Notice {
  text: string;
  kind: 'good' | 'attention' | 'warning';
}

export interface DealCardOptions {
  buttons: CardButton[];
  notice?: Notice;
  /** A line under the card (why buttons are missing, what unlocks Won). */
  hint?: string;
  /** refresh.userIds: Teams fetches a personal view (verb `deal.refresh`) for these users (≤ 60). */
  refreshUserIds?: string[];
}

const NOTICE_STYLE: Record<Notice['kind'], string> = { good: 'good', attention: 'attention', warning: 'warning' };

export function formatMoney(value: number, currency: string, locale: Locale): string {
  try {
    return new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-US')} ${currency}`;
  }
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function dealCardData(deal: DealRecord, locale: Locale, opts: DealCardOptions) {
  const facts: { title: string; value: string }[] = [];
  const fact = (key: Parameters<typeof t>[1], value: string | null | undefined) => {
    if (value) facts.push({ title: t(locale, key), value });
  };
  fact('deal.fact.customer', [deal.customer.name, deal.customer.city, deal.customer.duns ? `DUNS ${deal.customer.duns}` : null].filter(Boolean).join(' · '));
  fact('deal.fact.location', deal.locationId);
  fact('deal.fact.value', formatMoney(deal.value, deal.currency, locale));
  fact('deal.fact.closeDate', deal.closeDate);
  fact('deal.fact.stage', t(locale, 'deal.stagePercent', { stage: STAGE_LABEL[deal.stage][locale], percent: stagePercent(deal.stage) }));
  if (deal.type === 'solutionAssessment') {
    fact('deal.fact.assessment', [deal.assessmentType, deal.assessmentLocation].filter(Boolean).join(' · '));
  } else {
    fact('deal.fact.solutions', deal.solutions.map((s) => s.name).join(', '));
  }
  fact('deal.fact.team', deal.team.map((m) => m.name).join(', '));
  fact('deal.fact.crmId', deal.crmId);
  fact('deal.fact.campaignId', deal.campaignId);
  if (deal.sender) fact('deal.fact.sender', [deal.sender.name, deal.sender.organizationName].filter(Boolean).join(' · '));
  if (deal.status === 'New' && deal.expiresAt) fact('deal.fact.expires', day(deal.expiresAt));
  if (deal.registration) fact('deal.fact.registration', REGISTRATION_STATUS_LABEL[deal.registration.status][locale]);

  const checklist =
    deal.type === 'solutionAssessment' && deal.status !== 'New'
      ? MANDATORY_SA_STAGES.map((stage) => {
          const done = deal.completions.find((c) => c.stage === stage);
          return done
            ? {
                mark: '✔',
                color: 'Good',
                text: t(locale, 'deal.checklistDone', { stage: STAGE_LABEL[stage][locale], by: done.byName, date: day(done.at) }),
              }
            : { mark: '○', color: 'Default', text: t(locale, 'deal.checklistOpen', { stage: STAGE_LABEL[stage][locale] }) };
        })
      : [];

  const status =
    t(locale, 'deal.status', { status: STATUS_LABEL[deal.status][locale], substatus: SUBSTATUS_LABEL[deal.substatus][locale] }) +
    (deal.closeReason ? ` — ${t(locale, 'deal.closedReason', { reason: CLOSE_REASON_LABEL[deal.closeReason][locale] })}` : '');

  return {
    notice: opts.notice?.text ?? '',
    noticeStyle: opts.notice ? NOTICE_STYLE[opts.notice.kind] : 'default',
    title: deal.name,
    subtitle: `${t(locale, 'deal.number', { number: deal.number })} · ${t(locale, deal.direction === 'inbound' ? 'deal.inbound' : 'deal.outbound')}`,
    label: deal.type === 'solutionAssessment' ? DEAL_TYPE_LABEL.solutionAssessment[locale] : '',
    status,
    statusColor: deal.status === 'Closed' ? (deal.substatus === 'Won' ? 'Good' : 'Attention') : 'Accent',
    facts,
    checklistTitle: t(locale, 'deal.checklist'),
    checklist,
    latestNoteTitle: t(locale, 'deal.latestNote'),
    latestNote: '',
    hint: opts.hint ?? '',
  };
}

export function dealCard(deal: DealRecord, locale: Locale, opts: DealCardOptions, latestNote?: string): AdaptiveCard {
  const card = renderCard(template, { ...dealCardData(deal, locale, opts), latestNote: latestNote ?? '' });
  if (opts.buttons.length) {
    card.actions = opts.buttons.map((b) => ({
      type: 'Action.Execute',
      title: b.title,
      verb: b.verb,
      data: b.data,
      ...(b.style && b.style !== 'default' ? { style: b.style } : {}),
    }));
  }
  if (opts.refreshUserIds?.length) {
    card.refresh = {
      action: { type: 'Action.Execute', verb: 'deal.refresh', data: { dealId: deal.id } },
      userIds: opts.refreshUserIds.slice(0, 60),
    };
  }
  return card;
}
