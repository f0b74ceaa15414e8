import { dealCard, type CardButton, type Notice } from '../cards/dealCard';
import { t, type Locale } from '../cards/i18n';
import type { AdaptiveCard } from '../cards/render';
import { allowedActions, STAGE_LABEL, type Actor, type CommandName, type Context } from '../src/domain';
import type { DealRecord } from '../src/store/dealStore';

/**
 * Turns what the state machine allows into the buttons of the deal card. Only actions with a handler registered
 * for their verb are drawn (bot/actions), so a button never leads nowhere.
 */
export interface ButtonSpec {
  verb: string;
  style?: CardButton['style'];
}

const buttonSpecs = new Map<CommandName, ButtonSpec & { title: (locale: Locale) => string }>();

/** Called by each action module for the commands it handles. */
export function registerButton(action: CommandName, spec: ButtonSpec & { title: (locale: Locale) => string }): void {
  buttonSpecs.set(action, spec);
}

export function buttonsFor(deal: DealRecord, actor: Actor, locale: Locale, ctx: Context): { buttons: CardButton[]; hint?: string } {
  const base = { dealId: deal.id, version: deal.version };
  const buttons: CardButton[] = [];
  let hint: string | undefined;
  for (const a of allowedActions(deal, actor, ctx)) {
    if (a.action === 'completeStage' && a.enabled && a.stages?.[0]) {
      const stage = a.stages[0];
      buttons.push({
        title: t(locale, 'deal.action.completeStage', { stage: STAGE_LABEL[stage][locale] }),
        verb: 'deal.completeStage',
        data: { ...base, stage },
        style: 'positive',
      });
      continue;
    }
    if (a.action === 'setStage' && a.enabled) {
      for (const stage of a.stages ?? []) {
        buttons.push({ title: t(locale, 'deal.action.setStage', { stage: STAGE_LABEL[stage][locale] }), verb: 'deal.setStage', data: { ...base, stage } });
      }
      continue;
    }
    if (a.action === 'win' && !a.enabled && a.refusal?.code === 'STAGES_INCOMPLETE') {
      hint = t(locale, 'deal.hint.winBlocked', { reason: a.refusal.message[locale] });
      continue;
    }
    const spec = buttonSpecs.get(a.action);
    if (a.enabled && spec) buttons.push({ title: spec.title(locale), verb: spec.verb, data: base, style: spec.style });
  }
  return { buttons, hint };
}

/** The card as one actor sees it: their buttons (the invoke answer and personal chats). */
export function personalDealCard(deal: DealRecord, actor: Actor, locale: Locale, ctx: Context, notice?: Notice, latestNote?: string): AdaptiveCard {
  const { buttons, hint } = buttonsFor(deal, actor, locale, ctx);
  const readOnly = buttons.length === 0 && deal.status !== 'Closed';
  return dealCard(deal, locale, { buttons, notice, hint: hint ?? (readOnly ? t(locale, 'deal.hint.readOnly') : undefined) }, latestNote);
}

/**
 * The card everyone in a shared conversation sees: no one's buttons, but Teams refreshes it into each listed user's
 * own view (refresh.userIds), and anyone else can ask for theirs.
 */
export function sharedDealCard(deal: DealRecord, locale: Locale, refreshUserIds: string[], latestNote?: string): AdaptiveCard {
  const buttons: CardButton[] =
    deal.status === 'Closed' && !deal.registration && deal.substatus !== 'Won'
      ? []
      : [{ title: t(locale, 'deal.action.refresh'), verb: 'deal.refresh', data: { dealId: deal.id } }];
  return dealCard(deal, locale, { buttons, refreshUserIds }, latestNote);
}
