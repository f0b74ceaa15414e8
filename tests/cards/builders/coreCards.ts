import { COMMANDS } from '../../../bot/commands';
import { helpCard } from '../../../cards/helpCard';
import { messageCard } from '../../../cards/messageCard';
import type { NamedCardBuilder } from './types';

/** Cards of the foundation: help and the plain message card. */
export const coreCardBuilders: NamedCardBuilder[] = [
  { name: 'help', build: (locale) => helpCard(locale, { commands: COMMANDS }) },
  { name: 'help, unrecognised text', build: (locale) => helpCard(locale, { commands: COMMANDS, unrecognized: true }) },
  { name: 'message card', build: () => messageCard('Deal not found', ['That deal does not exist, or you cannot see it.'], 'attention') },
];
