import {
  CLOSE_REASON_LABEL,
  DEAL_TYPE_LABEL,
  INSIGHT_DAYS,
  INSIGHT_STAGES,
  LIST_SEPARATOR,
  STAGE_LABEL,
  TERMS,
  formatDate,
  type ChartSpec,
  type DealType,
  type InsightStage,
  type Insights,
} from '../src/domain';
import { formatMoney } from './dealCard';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/insights.json';

/**
 * Issue 17: the insights card. Three charts (pipeline per deal type, referral funnel, decline reasons) as images,
 * and every number again as text under its chart, for screen readers and clients that block images. Words from the
 * glossary and the catalogs, in the reader's language; dates in the reader's zone.
 */

export interface InsightsView {
  /** The charts, in the order of `card(urls)`'s sections; an empty section has no chart. */
  charts: ChartSpec[];
  /** The card, with the charts' image links (none: numbers only). */
  card(urls: string[]): AdaptiveCard;
}

export interface InsightsHeading {
  scope: string;
  /** The filters in words (empty: none). */
  filters: string;
  timeZone: string;
}

const stageName = (stage: InsightStage, locale: Locale) => (stage === 'received' ? TERMS.received[locale] : STAGE_LABEL[stage][locale]);

export function formatHours(hours: number | null, locale: Locale): string {
  if (hours === null) return t(locale, 'insights.duration.none');
  const one = (n: number) => new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 1 }).format(n);
  return hours < 48 ? t(locale, 'insights.duration.hours', { hours: one(hours) }) : t(locale, 'insights.duration.days', { days: one(hours / 24) });
}

const percent = (share: number, locale: Locale) => new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { style: 'percent', maximumFractionDigits: 0 }).format(share);

const count = (n: number, locale: Locale) => new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US').format(n);

interface Section {
  heading: string;
  /** Index into the charts (and the urls), -1 without a chart. */
  chart: number;
  lines: string[];
}

export function insightsView(locale: Locale, insights: Insights, heading: InsightsHeading): InsightsView {
  const charts: ChartSpec[] = [];
  const sections: Section[] = [];
  const chartOf = (spec: ChartSpec) => charts.push(spec) - 1;

  // Pipeline: one panel per deal type, a bar per stage (count), its weighted value per currency beside it.
  const pipelineTitle = t(locale, 'insights.pipeline.title');
  const groups: ChartSpec['groups'] = [];
  const pipelineLines: string[] = [];
  for (const type of ['solutionAssessment', 'coSell'] as DealType[]) {
    const bars: ChartSpec['groups'][number]['bars'] = [];
    for (const stage of INSIGHT_STAGES[type]) {
      const rows = insights.pipeline.filter((r) => r.type === type && r.stage === stage).sort((a, b) => a.currency.localeCompare(b.currency));
      if (rows.length === 0) continue;
      const n = rows.reduce((sum, r) => sum + r.count, 0);
      const weighted = rows.map((r) => formatMoney(r.weighted, r.currency, locale)).join(' / ');
      bars.push({ label: stageName(stage, locale), value: n, text: t(locale, 'insights.pipeline.bar', { count: count(n, locale), weighted }) });
      pipelineLines.push(`${DEAL_TYPE_LABEL[type][locale]}${LIST_SEPARATOR[locale]}${t(locale, 'insights.pipeline.row', { stage: stageName(stage, locale), count: count(n, locale), weighted })}`);
    }
    if (bars.length) groups.push({ title: DEAL_TYPE_LABEL[type][locale], bars });
  }
  sections.push({
    heading: pipelineTitle,
    chart: groups.length ? chartOf({ kind: 'bars', title: pipelineTitle, axis: '', groups }) : -1,
    lines: pipelineLines.length ? pipelineLines : [t(locale, 'insights.pipeline.empty')],
  });

  // Funnel: received → accepted → won, each with its share of the received.
  const funnelTitle = t(locale, 'insights.funnel.title');
  const { received, accepted, won } = insights.funnel;
  const steps = [
    { stage: TERMS.received[locale], n: received },
    { stage: TERMS.accepted[locale], n: accepted },
    { stage: TERMS.won[locale], n: won },
  ].map((s) => ({ ...s, share: percent(received ? s.n / received : 0, locale) }));
  sections.push({
    heading: funnelTitle,
    chart: received
      ? chartOf({
          kind: 'bars',
          title: funnelTitle,
          axis: '',
          groups: [{ title: '', bars: steps.map((s) => ({ label: s.stage, value: s.n, text: t(locale, 'insights.funnel.bar', { count: count(s.n, locale), share: s.share }) })) }],
        })
      : -1,
    lines: received ? steps.map((s) => t(locale, 'insights.funnel.row', { stage: s.stage, count: count(s.n, locale), share: s.share })) : [t(locale, 'insights.funnel.empty')],
  });

  // Times: two numbers, no chart.
  sections.push({
    heading: t(locale, 'insights.times.title'),
    chart: -1,
    lines: [
      t(locale, 'insights.times.accept', { time: formatHours(insights.timeToAccept.medianHours, locale), count: count(insights.timeToAccept.count, locale) }),
      t(locale, 'insights.times.win', { time: formatHours(insights.timeToWin.medianHours, locale), count: count(insights.timeToWin.count, locale) }),
    ],
  });

  // Win rate, and why referrals ended without a deal (Partner Center's decline reasons, and the clock).
  const outcomesTitle = t(locale, 'insights.outcomes.title');
  const winRate =
    insights.winRate === null
      ? t(locale, 'insights.winRate.none')
      : t(locale, 'insights.winRate', { rate: percent(insights.winRate, locale), won: count(insights.outcomes.won, locale), lost: count(insights.outcomes.lost, locale) });
  const reasons = [
    ...insights.declines.map((d) => ({ label: CLOSE_REASON_LABEL[d.reason][locale], n: d.count, series: TERMS.declined[locale] })),
    ...(insights.expired ? [{ label: TERMS.expired[locale], n: insights.expired, series: TERMS.expired[locale] }] : []),
  ];
  sections.push({
    heading: outcomesTitle,
    chart: reasons.length
      ? chartOf({
          kind: 'bars',
          title: `${t(locale, 'insights.declines.chart')}${LIST_SEPARATOR[locale]}${winRate}`,
          axis: '',
          groups: [{ title: '', bars: reasons.map((r) => ({ label: r.label, value: r.n, text: count(r.n, locale), series: r.series })) }],
        })
      : -1,
    lines: [winRate, ...(reasons.length ? reasons.map((r) => t(locale, 'insights.declines.row', { reason: r.label, count: count(r.n, locale) })) : [t(locale, 'insights.declines.empty')])],
  });

  const window = t(locale, 'insights.window', {
    days: INSIGHT_DAYS,
    since: formatDate(insights.since, locale, heading.timeZone),
    until: formatDate(insights.until, locale, heading.timeZone),
  });
  return {
    charts,
    card: (urls) =>
      renderCard(template, {
        title: t(locale, 'insights.title'),
        subtitle: heading.scope,
        filters: heading.filters,
        window,
        sections: sections.map((s) => {
          const url = s.chart >= 0 ? (urls[s.chart] ?? '') : '';
          return { heading: s.heading, url, alt: url ? t(locale, 'insights.chart.alt', { title: s.heading }) : '', lines: s.lines.map((text) => ({ text })) };
        }),
        footer: t(locale, 'insights.footer'),
      }),
  };
}
