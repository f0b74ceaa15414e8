import type { AdaptiveCard } from '../cards/render';
import type { BotServices } from './botServices';
import type { Turn } from './turn';

/** One card verb (Action.Execute): gets the untrusted `data` (card inputs merged in) and returns the replacement card. */
export interface CardAction {
  turn: Turn;
  services: BotServices;
  data: Record<string, unknown>;
}

export type CardActionHandler = (action: CardAction) => Promise<AdaptiveCard>;

/** A typed command's handler: gets the words after the command. */
export type TextHandler = (turn: Turn, args: string, services: BotServices) => Promise<void>;
