import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/exportLinks.json';
import type { ExportFormat } from './exportFile';

/** Issue 17: the export in a channel or group chat — short-lived download links, one per format. */
export interface ExportLinks {
  count: number;
  filters: string;
  minutes: number;
  /** Said when the file holds only the first deals. */
  more: string;
  links: readonly { format: ExportFormat; url: string }[];
}

export function linksCard(locale: Locale, data: ExportLinks): AdaptiveCard {
  return renderCard(template, {
    title: t(locale, 'export.link.title', { count: data.count }),
    line: t(locale, 'export.link.line', { filters: data.filters, minutes: data.minutes }),
    more: data.more,
    links: data.links.map((l) => ({ title: t(locale, l.format === 'xlsx' ? 'export.link.xlsx' : 'export.link.csv'), url: l.url })),
  });
}
