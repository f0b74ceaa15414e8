import { t, type Locale, type MessageKey } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/help.json';

interface HelpLine {
  command: string;
  alias: string;
  description: string;
}

export interface HelpCardData {
  notice: string;
  title: string;
  intro: string;
  commands: HelpLine[];
  /** Commands only admins may use: behind a toggle, so the card stays within about two screens (issue 14). */
  adminCommands: HelpLine[];
  adminTitle: string;
  adminShow: string;
  footer: string;
}

/** A chat command as the help card lists it (the bot's command table says which ones the reader may use). */
export interface HelpCommand {
  id: string;
  en: string;
  ja: string;
  admin?: boolean;
}

export interface HelpCardOptions {
  /** The commands to list, in order. */
  commands: readonly HelpCommand[];
  /** The user typed something that is not a command: say so above the list. */
  unrecognized?: boolean;
}

/** The command list, each command shown in the reader's language with the other language's spelling beside it. */
export function helpCardData(locale: Locale, opts: HelpCardOptions): HelpCardData {
  const other: Locale = locale === 'ja' ? 'en' : 'ja';
  const line = (c: HelpCommand): HelpLine => ({
    command: c[locale],
    alias: t(locale, 'help.alsoIn', { alias: c[other] }),
    description: t(locale, `help.command.${c.id}.description` as MessageKey),
  });
  const adminCommands = opts.commands.filter((c) => c.admin).map(line);
  return {
    notice: opts.unrecognized ? t(locale, 'help.unrecognized') : '',
    title: t(locale, 'help.title'),
    intro: t(locale, 'help.intro'),
    commands: opts.commands.filter((c) => !c.admin).map(line),
    adminCommands,
    adminTitle: t(locale, 'help.adminTitle', { count: adminCommands.length }),
    adminShow: t(locale, 'help.adminShow'),
    footer: t(locale, 'help.footer'),
  };
}

export function helpCard(locale: Locale, opts: HelpCardOptions): AdaptiveCard {
  return renderCard(template, helpCardData(locale, opts));
}
