import { MessageFactory } from 'botbuilder';
import { helpCard } from '../cards/helpCard';
import { cardAttachment } from '../cards/render';
import type { BotServices } from './botServices';
import type { CommandId } from './commands';
import type { Turn } from './turn';
import { adminTextHandlers } from './admin/commands';
import { linkLocation, listRoutes } from './routing';
import { dealTextHandlers } from './dealCommands';
import { wizardTextHandlers } from './dialogs/wizardCommands';

/** A typed command's handler: gets the words after the command. Add a feature's commands here. */
export type TextHandler = (turn: Turn, args: string, services: BotServices) => Promise<void>;

const help: TextHandler = async (turn) => {
  await turn.context.sendActivity(MessageFactory.attachment(cardAttachment(helpCard(turn.locale))));
};

export const TEXT_HANDLERS: Partial<Record<CommandId, TextHandler>> = {
  help,
  linkLocation,
  routes: listRoutes,
  ...dealTextHandlers,
  ...wizardTextHandlers,
  ...adminTextHandlers,
};
