import type { AdaptiveCard } from './render';

/** A plain card with a heading and lines of text: answers that are not a deal (errors, confirmations). */
export function messageCard(title: string, lines: string[], style: 'default' | 'attention' | 'good' = 'default'): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      {
        type: 'Container',
        style,
        items: [
          { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
          ...lines.filter((l) => l !== '').map((text) => ({ type: 'TextBlock', text, wrap: true })),
        ],
      },
    ],
  };
}
