import type { CommandId } from '../commands';
import type { TextHandler } from '../handlerTypes';
import { wizardFor } from './lazyWizard';

/** The typed commands of the new-deal wizard: `new deal` / `新しい取引` starts it, `cancel` / `キャンセル` ends it. */
export const wizardTextHandlers = {
  newDeal: async (turn, _args, services) => (await wizardFor(services)).start(turn),
  cancel: async (turn, _args, services) => (await wizardFor(services)).cancel(turn),
} satisfies Partial<Record<CommandId, TextHandler>>;
