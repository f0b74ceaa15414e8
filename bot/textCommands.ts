import { MessageFactory } from 'botbuilder';
import { helpCard } from '../cards/helpCard';
import { cardAttachment } from '../cards/render';
import { COMMANDS, type CommandId } from './commands';
import type { TextHandler } from './handlerTypes';
import { adminTextHandlers } from './admin/commands';
import { linkLocation, listRoutes } from './routeCommands';
import { partnerCenterTextHandlers } from './partnerCenter';
import { dealTextHandlers } from './dealCommands';
import { wizardTextHandlers } from './dialogs/wizardCommands';

/** The typed commands and their handlers. Add a feature's commands here. */

const help: TextHandler = async (turn) => {
  await turn.context.sendActivity(MessageFactory.attachment(cardAttachment(helpCard(turn.locale, { commands: COMMANDS }))));
};

export const TEXT_HANDLERS: Partial<Record<CommandId, TextHandler>> = {
  help,
  linkLocation,
  routes: listRoutes,
  ...dealTextHandlers,
  ...wizardTextHandlers,
  ...adminTextHandlers,
  ...partnerCenterTextHandlers,
};
