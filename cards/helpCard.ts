import { COMMANDS } from '../bot/commands';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/help.json';

export interface HelpCardData {
  notice: string;
  title: string;
  intro: string;
  commands: { command: string; alias: string; description: string }[];
  footer: string;
}

export interface HelpCardOptions {
  /** The user typed something that is not a command: say so above the list. */
  unrecognized?: boolean;
}

/** The command list, each command shown in the reader's language with the other language's spelling beneath. */
export function helpCardData(locale: Locale, opts: HelpCardOptions = {}): HelpCardData {
  const other: Locale = locale === 'ja' ? 'en' : 'ja';
  return {
    notice: opts.unrecognized ? t(locale, 'help.unrecognized') : '',
    title: t(locale, 'help.title'),
    intro: t(locale, 'help.intro'),
    commands: COMMANDS.map((c) => ({
      command: c[locale],
      alias: t(locale, 'help.alsoIn', { alias: c[other] }),
      description: t(locale, `help.command.${c.id}.description`),
    })),
    footer: t(locale, 'help.footer'),
  };
}

export function helpCard(locale: Locale, opts: HelpCardOptions = {}): AdaptiveCard {
  return renderCard(template, helpCardData(locale, opts));
}
