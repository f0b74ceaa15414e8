import { t, type Locale, type MessageKey } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/help.json';

export interface HelpCardData {
  notice: string;
  title: string;
  intro: string;
  commands: { command: string; alias: string; description: string }[];
  footer: string;
}

/** A chat command as the help card lists it (the bot's command table says which ones the reader may use). */
export interface HelpCommand {
  id: string;
  en: string;
  ja: string;
}

export interface HelpCardOptions {
  /** The commands to list, in order. */
  commands: readonly HelpCommand[];
  /** The user typed something that is not a command: say so above the list. */
  unrecognized?: boolean;
}

/** The command list, each command shown in the reader's language with the other language's spelling beneath. */
export function helpCardData(locale: Locale, opts: HelpCardOptions): HelpCardData {
  const other: Locale = locale === 'ja' ? 'en' : 'ja';
  return {
    notice: opts.unrecognized ? t(locale, 'help.unrecognized') : '',
    title: t(locale, 'help.title'),
    intro: t(locale, 'help.intro'),
    commands: opts.commands.map((c) => ({
      command: c[locale],
      alias: t(locale, 'help.alsoIn', { alias: c[other] }),
      description: t(locale, `help.command.${c.id}.description` as MessageKey),
    })),
    footer: t(locale, 'help.footer'),
  };
}

export function helpCard(locale: Locale, opts: HelpCardOptions): AdaptiveCard {
  return renderCard(template, helpCardData(locale, opts));
}
