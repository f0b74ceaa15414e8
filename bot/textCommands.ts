import { MessageFactory } from 'botbuilder';
import { helpCard } from '../cards/helpCard';
import { cardAttachment } from '../cards/render';
import type { CommandId } from './commands';
import { commandsFor, inbox } from './inbox';
import type { TextHandler } from './handlerTypes';
import { adminTextHandlers } from './admin/commands';
import { linkLocation, listRoutes } from './routeCommands';
import { partnerCenterTextHandlers } from './partnerCenter';
import { dealTextHandlers } from './dealCommands';
import { insights } from './insights';
import { wizardTextHandlers } from './dialogs/wizardCommands';
import { digestNow } from './digest';
import { exportDeals } from './exportCommands';

/** The typed commands and their handlers. Add a feature's commands here. */

/** Help lists what this person may use: admin commands for Referrals admins only (issue 14). */
const help: TextHandler = async (turn) => {
  await turn.context.sendActivity(MessageFactory.attachment(cardAttachment(helpCard(turn.locale, { commands: commandsFor(turn) }))));
};

export const TEXT_HANDLERS: Partial<Record<CommandId, TextHandler>> = {
  help,
  inbox,
  linkLocation,
  routes: listRoutes,
  ...dealTextHandlers,
  insights,
  ...wizardTextHandlers,
  ...adminTextHandlers,
  ...partnerCenterTextHandlers,
  digest: digestNow,
  export: exportDeals,
};
