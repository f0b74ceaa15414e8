import type { Locale } from '../../../cards/i18n';

/**
 * One card the bot can send, in one state. tests/cards/allCards.test.ts renders every builder in ja and en and checks
 * it with the official Adaptive Cards renderer plus our own rules. To add a feature's cards, export a list of these
 * from a file in this folder and spread it into BUILDERS in allCards.test.ts.
 */
export interface NamedCardBuilder {
  name: string;
  build: (locale: Locale) => object;
}
