import { stageVerbs } from './stageActions';
import type { CardActionHandler } from './types';

/**
 * The card verbs (Action.Execute) and their handlers: one small module per area, each handler a few lines that call
 * the core. Add a feature's verbs here.
 */
export const CARD_VERBS: Readonly<Record<string, CardActionHandler>> = {
  ...stageVerbs,
};
