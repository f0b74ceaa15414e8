import { renderCard, type AdaptiveCard } from './render';
import template from './templates/message.json';

/** A plain card with a heading and lines of text: answers that are not a deal (errors, confirmations). */
export function messageCard(title: string, lines: string[], style: 'default' | 'attention' | 'good' = 'default'): AdaptiveCard {
  return renderCard(template, { title, lines: lines.filter((l) => l !== ''), style });
}
