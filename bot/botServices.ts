import type { Services } from '../src/services/services';
import type { CardPublisher } from './cardPublisher';
import type { Messenger } from './messenger';

/** The core services plus the Teams-side ones (proactive messages, posted-card updates). */
export interface BotServices extends Services {
  messenger: Messenger;
  publisher: CardPublisher;
}
