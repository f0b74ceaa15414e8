import { MessageFactory } from 'botbuilder';
import { t } from '../cards/i18n';
import { insightsView } from '../cards/insightsCard';
import { messageCard } from '../cards/messageCard';
import { cardAttachment } from '../cards/render';
import { LIST_SEPARATOR, refuse } from '../src/domain';
import { parseDealFilters } from './dealCommands';
import type { TextHandler } from './handlerTypes';

/**
 * Issue 17: `insights` / `分析` [location:… person:…]. The numbers come from the deal queries with the same visibility
 * as every list (R1–R3); the charts are published as signed links and drawn when Teams asks for them, so the reply
 * waits only for the queries.
 */
export const insights: TextHandler = async (turn, args, services) => {
  const { locale, actor } = turn;
  const reply = (card: Parameters<typeof cardAttachment>[0]) => turn.context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
  if (actor.role === null) return void (await reply(messageCard(t(locale, 'insights.title'), [refuse('NO_ROLE').message[locale]], 'attention')));
  const parsed = await parseDealFilters(args, locale, services, { only: ['location', 'person'] });
  if (!parsed.ok) return void (await reply(messageCard(t(locale, 'insights.title'), [parsed.error, t(locale, 'insights.usage')], 'attention')));
  const numbers = await services.queries.insights(actor, parsed.filter);
  if (!numbers) return void (await reply(messageCard(t(locale, 'insights.title'), [refuse('NO_ROLE').message[locale]], 'attention')));
  const names = new Map((await services.people.locations()).map((l) => [l.id, l.name]));
  const locations = actor.scope.global ? t(locale, 'pipeline.scope.global') : actor.scope.locations.map((id) => names.get(id) ?? id).join(', ');
  const view = insightsView(locale, numbers, {
    scope: t(locale, actor.role === 'admin' ? 'insights.scope.admin' : 'insights.scope.user', { locations }),
    filters: parsed.words.join(LIST_SEPARATOR[locale]),
    timeZone: turn.timeZone,
  });
  const urls = await services.charts.publish(view.charts);
  await reply(view.card(urls));
};
