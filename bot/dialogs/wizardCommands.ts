import type { CommandId } from '../commands';
import type { TextHandler } from '../handlerTypes';
import { wizardFor } from './newDealWizard';

/** The typed commands of the new-deal wizard: `new deal` / `新しい取引` starts it, `cancel` / `キャンセル` ends it. */
export const wizardTextHandlers = {
  newDeal: (turn, _args, services) => wizardFor(services).start(turn),
  cancel: (turn, _args, services) => wizardFor(services).cancel(turn),
} satisfies Partial<Record<CommandId, TextHandler>>;
