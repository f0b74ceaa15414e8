import { MessageFactory } from 'botbuilder';
import { inboxCard, nudgeCard } from '../cards/inboxCard';
import { t } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { cardAttachment } from '../cards/render';
import { refuse, type DealRecord } from '../src/domain';
import { COMMANDS, normalizeCommandText, type CommandSpec } from './commands';
import type { TextHandler } from './handlerTypes';
import type { Turn } from './turn';

/** Issue 14, section 4: `inbox` / `受信トレイ` — what needs me, without knowing any filter. */

const SHOWN = 10;
const DAY_MS = 86_400_000;

export const inbox: TextHandler = async (turn, _args, services) => {
  const { locale, actor } = turn;
  const reply = (card: Parameters<typeof cardAttachment>[0]) => turn.context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
  if (actor.role === null) return void (await reply(messageCard(t(locale, 'inbox.title'), [refuse('NO_ROLE').message[locale]], 'attention')));
  const now = new Date();
  // A deal that has not changed for STALE_DAYS needs a look (the daily digest uses the same setting).
  const staleDays = services.config.STALE_DAYS;
  // Referrals nobody answered yet, in my scope (R3: everyone whose scope holds the location may answer), soonest first.
  const waiting = (await services.queries.list(actor, { direction: 'inbound', status: 'New' }, { limit: 100 })).items
    .filter((d) => !d.expiresAt || d.expiresAt.getTime() > now.getTime())
    .sort((a, b) => (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity));
  // My active deals whose close date passed (in my day) or that stood still for STALE_DAYS.
  const mine = (await services.queries.list(actor, { mine: true, status: 'Active' }, { limit: 100 })).items;
  const attention = mine.flatMap((deal): { deal: DealRecord; reason: 'overdue' | 'stale' }[] =>
    deal.closeDate < turn.today ? [{ deal, reason: 'overdue' }] : now.getTime() - deal.updatedAt.getTime() >= staleDays * DAY_MS ? [{ deal, reason: 'stale' }] : [],
  );
  const more = Math.max(0, waiting.length - SHOWN) + Math.max(0, attention.length - SHOWN);
  await reply(inboxCard(locale, { referrals: waiting.slice(0, SHOWN), attention: attention.slice(0, SHOWN), staleDays, now, more }));
};

/** The commands this person may use: admin commands only for Referrals admins (issue 14: help is role-aware). */
export function commandsFor(turn: Pick<Turn, 'actor'>): readonly CommandSpec[] {
  return (COMMANDS as readonly CommandSpec[]).filter((c) => !c.admin || turn.actor.role === 'admin');
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The command closest to what was typed (`dels` → `deals`, `受信トレ` → `受信トレイ`), if any is close enough. */
export function closestCommand(typed: string, commands: readonly CommandSpec[]): string | undefined {
  const text = normalizeCommandText(typed);
  if (!text) return undefined;
  let best: { phrase: string; d: number } | undefined;
  for (const c of commands) {
    for (const phrase of [c.en, c.ja]) {
      // Compare with as many words as the command has, so "dels inbound" still finds "deals".
      const head = text.split(' ').slice(0, phrase.split(' ').length).join(' ');
      const d = distance(head, normalizeCommandText(phrase));
      if (!best || d < best.d) best = { phrase, d };
    }
  }
  return best && best.d <= Math.max(1, Math.floor(best.phrase.length / 3)) ? best.phrase : undefined;
}

/** Text that is no command: one line with the closest command, and the inbox and help a click away. */
export async function answerUnknown(turn: Turn, typed: string): Promise<void> {
  const { locale } = turn;
  const suggestion = closestCommand(typed, commandsFor(turn));
  const shown = typed.length > 60 ? `${typed.slice(0, 59)}…` : typed;
  const line = suggestion ? t(locale, 'nudge.closest', { typed: shown, command: suggestion }) : t(locale, 'nudge.none', { typed: shown });
  const command = (id: string): string => (COMMANDS as readonly CommandSpec[]).find((c) => c.id === id)![locale];
  const buttons: { title: string; command: string }[] = [
    { title: t(locale, 'inbox.title'), command: command('inbox') },
    { title: t(locale, 'welcome.help'), command: command('help') },
  ];
  if (suggestion && suggestion !== buttons[0]!.command && suggestion !== buttons[1]!.command) buttons.unshift({ title: suggestion, command: suggestion });
  await turn.context.sendActivity(MessageFactory.attachment(cardAttachment(nudgeCard(locale, line, buttons))));
}
