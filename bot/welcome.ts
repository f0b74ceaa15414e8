import { MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { localeOf, t, type Locale } from '../cards/i18n';
import { markdownMessage, type TrustedMarkdown } from '../cards/markdown';
import { cardAttachment, renderCard, type AdaptiveCard } from '../cards/render';
import template from '../cards/templates/welcome.json';
import type { BotServices } from './botServices';
import { COMMANDS } from './commands';
import { reachable } from './listeners';

/**
 * The first-run greeting: when the app is installed (personal chat, team or group chat) the bot says what it can do,
 * in the installer's language, with a button that runs `new deal` for them. The button is a plain Action.Submit
 * carrying the command's text (`{command: "new deal"}`); the bot treats that exactly as if the user had typed it
 * (see submittedCommand), so it does whatever typing the command does. Not an `msteams` imBack/messageBack: the
 * Microsoft 365 Agents Playground ignores those, while a plain submit works there and in Teams alike.
 */

export interface WelcomeCardData {
  title: string;
  intro: string;
  abilities: string[];
  /** The one catalog message with intended Markdown (**bold** command names). */
  start: TrustedMarkdown;
  channelHint: string;
  newDealTitle: string;
  newDealCommand: string;
  /** Issue 14: the one thing a seller opens Teams for — what is waiting for me. */
  inboxTitle: string;
  inboxCommand: string;
  helpTitle: string;
  helpCommand: string;
}

const commandText = (id: (typeof COMMANDS)[number]['id'], locale: Locale) => COMMANDS.find((c) => c.id === id)?.[locale] ?? id;

export function welcomeCardData(locale: Locale, opts: { name?: string; shared?: boolean } = {}): WelcomeCardData {
  const newDeal = commandText('newDeal', locale);
  const help = commandText('help', locale);
  const name = opts.name?.trim();
  return {
    title: name ? t(locale, 'welcome.title', { name }) : t(locale, 'welcome.titleNoName'),
    intro: t(locale, 'welcome.intro'),
    abilities: [t(locale, 'welcome.can.create'), t(locale, 'welcome.can.referrals'), t(locale, 'welcome.can.stages'), t(locale, 'welcome.can.lists')],
    start: markdownMessage(locale, 'welcome.start', { command: newDeal, help }),
    channelHint: opts.shared ? t(locale, 'welcome.channel') : '',
    newDealTitle: t(locale, 'welcome.newDeal'),
    newDealCommand: newDeal,
    inboxTitle: t(locale, 'welcome.inbox'),
    inboxCommand: commandText('inbox', locale),
    helpTitle: t(locale, 'welcome.help'),
    helpCommand: help,
  };
}

export function welcomeCard(locale: Locale, opts: { name?: string; shared?: boolean } = {}): AdaptiveCard {
  return renderCard(template, welcomeCardData(locale, opts));
}

/**
 * The client's language on an install event: Teams puts it on the activity, and in the clientInfo entity when the
 * activity itself has none.
 */
export function installLocale(activity: Partial<Activity>): Locale {
  if (activity.locale) return localeOf(activity.locale);
  const clientInfo = activity.entities?.find((e) => e.type === 'clientInfo') as { locale?: string } | undefined;
  return localeOf(clientInfo?.locale);
}

/** Teams sends both installationUpdate and conversationUpdate for one install; greet once within this window. */
const GREETING_WINDOW_MS = 10 * 60_000;

/** Greets the conversation the app was just installed in (once per install), and remembers it for later messages. */
export async function welcome(context: TurnContext, services: BotServices): Promise<void> {
  const activity = context.activity;
  const conversationId = activity.conversation?.id;
  if (!conversationId) return;
  if (await services.messenger.remember(context)) await reachable(services);
  // Of two install events arriving together exactly one greets; a reinstall after the window greets again.
  if (!(await services.claims.claim(`welcome:${conversationId}`, GREETING_WINDOW_MS))) return;
  const shared = activity.conversation.conversationType === 'channel' || activity.conversation.conversationType === 'groupChat' || activity.conversation.isGroup === true;
  const card = welcomeCard(installLocale(activity), { name: shared ? undefined : activity.from?.name, shared });
  await context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
  services.logger.info({ conversationId, kind: activity.conversation.conversationType ?? 'personal' }, 'welcomed a new installation');
}

const CommandSubmitSchema = z.object({ command: z.string().trim().min(1).max(200) });

/**
 * The command a button submitted (Action.Submit with `{command: "…"}`, as the welcome card's buttons send), to be
 * handled as typed text; undefined for typed messages and for any other submit.
 */
export function submittedCommand(activity: Partial<Activity>): string | undefined {
  if (activity.text?.trim()) return undefined;
  const submit = CommandSubmitSchema.safeParse(activity.value);
  return submit.success ? submit.data.command : undefined;
}

/** True when a conversationUpdate adds this bot (an install), not when it only adds other people. */
export function addsBot(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  return !!botId && (activity.membersAdded ?? []).some((m) => m.id === botId);
}
