import { stageVerbs } from './stageActions';
import { dealWorkVerbs } from './dealWorkActions';
import { dealListVerbs } from '../dealCommands';
import { referralVerbs } from './referralActions';
import { adminVerbs } from '../admin/verbs';
import { partnerCenterVerbs } from '../partnerCenter';
import type { CardActionHandler } from '../handlerTypes';

/**
 * The card verbs (Action.Execute) and their handlers: one small module per area, each handler a few lines that call
 * the core. Add a feature's verbs here.
 */
export const CARD_VERBS: Readonly<Record<string, CardActionHandler>> = {
  ...stageVerbs,
  ...dealWorkVerbs,
  ...dealListVerbs,
  ...referralVerbs,
  ...adminVerbs,
  ...partnerCenterVerbs,
};
