import { DEAL_TYPE_LABEL, LIST_SEPARATOR, SUBSTATUS_LABEL, stageLabel, stagePercent } from '../src/domain';
import type { DealRecord } from '../src/domain';
import { formatMoney, type Notice } from './dealCard';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/dealList.json';
import { VERBS } from './verbs';

/** A compact page of deals; each row opens the deal card (verb `deal.open`), Next/Previous page with a cursor. */

export interface DealListPage {
  title: string;
  /** The filters in words, or the empty string. */
  filters: string;
  deals: readonly DealRecord[];
  /** 1-based page number, for the subtitle. */
  page: number;
  /** Where this page is (bot/dealCommands DealListState): a row click sends the deal and redraws this page. */
  rows?: Record<string, unknown>;
  /** Data for the Next button (absent on the last page). */
  next?: Record<string, unknown>;
  /** Data for the Previous button (absent on the first page). */
  previous?: Record<string, unknown>;
  notice?: Notice;
}

export function dealListCard(locale: Locale, list: DealListPage): AdaptiveCard {
  const rows = list.deals.map((d) => ({
    name: `#${d.number} ${d.name}`,
    label: d.type === 'solutionAssessment' ? DEAL_TYPE_LABEL.solutionAssessment[locale] : DEAL_TYPE_LABEL.coSell[locale],
    detail: [
      // Active: where it stands in the sales stages; otherwise its state says all (受け取り, 受注, 失注, 辞退, 期限切れ).
      d.status === 'Active' ? `${stageLabel(d)[locale]} ${stagePercent(d.stage)}%` : SUBSTATUS_LABEL[d.substatus][locale],
      formatMoney(d.value, d.currency, locale),
      d.customer.name,
      d.locationName || d.locationId,
      t(locale, d.direction === 'inbound' ? 'deals.inbound' : 'deals.outbound'),
    ].join(LIST_SEPARATOR[locale]),
    open: t(locale, 'deals.open'),
    data: list.rows ? { dealId: d.id, list: list.rows } : { dealId: d.id },
  }));
  const actions = [
    ...(list.previous ? [{ title: t(locale, 'deals.previous'), verb: VERBS.dealsPage, data: list.previous, style: 'default' }] : []),
    ...(list.next ? [{ title: t(locale, 'deals.next'), verb: VERBS.dealsPage, data: list.next, style: 'default' }] : []),
  ];
  return renderCard(template, {
    notice: list.notice?.text ?? '',
    noticeStyle: list.notice?.kind ?? 'default',
    title: list.title,
    subtitle: [t(locale, 'deals.page', { page: list.page }), list.filters].filter(Boolean).join(LIST_SEPARATOR[locale]),
    rows,
    empty: rows.length === 0 ? t(locale, 'deals.empty') : '',
    footer: rows.length > 0 ? t(locale, 'deals.footer') : '',
    actions,
  });
}
