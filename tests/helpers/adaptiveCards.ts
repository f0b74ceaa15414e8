// The package's main entry fails on Node 20; its browser bundle parses and validates without a DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

/** What the official Adaptive Cards renderer objects to when it parses and validates the card JSON. */
export function rendererProblems(json: object): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const out: string[] = [];
  for (let i = 0; i < context.eventCount; i++) out.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of card.validateProperties().validationEvents) out.push(`validate: ${e.message}`);
  return out;
}

// The renderer formats TextBlock and Fact text with whatever Markdown processor the host gives it; markdown-it is
// the one it falls back to itself (window.markdownit), with its default options.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const markdownIt = new (require('markdown-it') as typeof import('markdown-it'))();
AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = markdownIt.render(text);
  result.didProcess = true;
};

/** The HTML the official renderer makes of a TextBlock's or a fact's text. */
export function rendererHtml(text: string): string {
  return AC.AdaptiveCard.applyMarkdown(text).outputHtml ?? '';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** The text a reader sees in that HTML, whitespace collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ENTITIES[e] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every text of a card that Teams formats as Markdown: TextBlock.text, Fact.title, Fact.value. */
export function markdownTexts(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts)) {
      for (const f of o.facts as { title?: unknown; value?: unknown }[]) for (const v of [f.title, f.value]) if (typeof v === 'string') out.push(v);
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}
