import { STAGE_LABEL, stagePercent } from '../src/domain';
import type { Pipeline } from '../src/domain';
import { formatMoney } from './dealCard';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/pipeline.json';

/** R20/R21 pipeline: per currency, a row per stage with count, total and stage-weighted value, and a total row. */
export function pipelineCard(locale: Locale, pipeline: Pipeline, scope: string): AdaptiveCard {
  const money = (v: { toString(): string }, currency: string) => formatMoney(v.toString(), currency, locale);
  const currencies = pipeline.totals.map((total) => ({
    heading: total.currency,
    rows: [
      ...pipeline.rows
        .filter((r) => r.currency === total.currency)
        .map((r) => ({
          stage: t(locale, 'deal.stagePercent', { stage: STAGE_LABEL[r.stage][locale], percent: stagePercent(r.stage) }),
          n: String(r.count),
          total: money(r.total, r.currency),
          weighted: money(r.weighted, r.currency),
        })),
      { stage: t(locale, 'pipeline.total'), n: String(total.count), total: money(total.total, total.currency), weighted: money(total.weighted, total.currency) },
    ],
  }));
  return renderCard(template, {
    notice: '',
    noticeStyle: 'default',
    title: t(locale, 'pipeline.title'),
    subtitle: scope,
    columns: {
      stage: t(locale, 'pipeline.column.stage'),
      deals: t(locale, 'pipeline.column.deals'),
      total: t(locale, 'pipeline.column.total'),
      weighted: t(locale, 'pipeline.column.weighted'),
    },
    currencies,
    empty: currencies.length === 0 ? t(locale, 'pipeline.empty') : '',
    footer: currencies.length > 0 ? t(locale, 'pipeline.footer') : '',
  });
}
