import { dealCard, type CardButton, type DealCardOptions, type Notice } from '../cards/dealCard';
import { t, type Locale } from '../cards/i18n';
import type { AdaptiveCard } from '../cards/render';
import { adminRefusal, allowedActions, canSee, STAGE_LABEL, type Actor, type CommandName, type Context, type DealRecord } from '../src/domain';
import { VERBS } from '../cards/verbs';

/**
 * Turns what the state machine allows into the buttons of the deal card. Only actions with a handler registered
 * for their verb are drawn (bot/actions), so a button never leads nowhere.
 */
export interface ButtonSpec {
  verb: string;
  style?: CardButton['style'];
  /** `primary`: the stage flow in the card's action bar; `secondary`: the row of forms under the card body. */
  group?: CardButton['group'];
  /** What to say before an action that cannot be undone (see CardButton.confirm). */
  confirm?: (deal: DealRecord, locale: Locale, ctx: Context) => NonNullable<CardButton['confirm']>;
}

const buttonSpecs = new Map<CommandName, ButtonSpec & { title: (locale: Locale) => string }>();

/** Called by each action module for the commands it handles. */
export function registerButton(action: CommandName, spec: ButtonSpec & { title: (locale: Locale) => string }): void {
  buttonSpecs.set(action, spec);
}

export interface DealButtons {
  buttons: CardButton[];
  hint?: string;
  stageChoice?: DealCardOptions['stageChoice'];
}

export function buttonsFor(deal: DealRecord, actor: Actor, locale: Locale, ctx: Context): DealButtons {
  const base = { dealId: deal.id, version: deal.version };
  const buttons: CardButton[] = [];
  let hint: string | undefined;
  let stageChoice: DealButtons['stageChoice'];
  for (const a of allowedActions(deal, actor, ctx)) {
    if (a.action === 'completeStage' && a.enabled && a.stages?.[0]) {
      const stage = a.stages[0];
      buttons.push({
        title: t(locale, 'deal.action.completeStage', { stage: STAGE_LABEL[stage][locale] }),
        verb: VERBS.dealCompleteStage,
        data: { ...base, stage },
        style: 'positive',
      });
      continue;
    }
    if (a.action === 'setStage' && a.enabled) {
      // R21: any later optional stage; a drop-down keeps the action bar within Teams' limit of buttons.
      stageChoice = {
        label: t(locale, 'deal.stageChoice'),
        choices: (a.stages ?? []).map((s) => ({ title: `${STAGE_LABEL[s][locale]}`, value: s })),
      };
      buttons.push({ title: t(locale, 'deal.action.setStageChosen'), verb: VERBS.dealSetStage, data: base });
      continue;
    }
    if (a.action === 'win' && !a.enabled && a.refusal?.code === 'STAGES_INCOMPLETE') {
      const next = a.refusal.params.next;
      hint = t(locale, 'deal.hint.winBlocked', { next: typeof next === 'object' ? next[locale] : String(next ?? '') });
      continue;
    }
    const spec = buttonSpecs.get(a.action);
    if (a.enabled && spec) {
      buttons.push({ title: spec.title(locale), verb: spec.verb, data: base, style: spec.style, group: spec.group, confirm: spec.confirm?.(deal, locale, ctx) });
    }
  }
  // The timeline is for everyone who may see the deal, closed or not (R24: visible with their history).
  if (canSee(deal, actor)) {
    buttons.push({ title: t(locale, 'deal.action.history'), verb: VERBS.dealHistory, data: { dealId: deal.id }, group: 'secondary' });
  }
  // The stage flow leads (next stage first); closing as Lost is never the first of the form buttons (issue 14).
  const order = (b: CardButton) => (b.verb === 'deal.lose.form' ? 1 : 0);
  const sorted = [...buttons].sort((a, b) => (a.group === b.group ? order(a) - order(b) : 0));
  return { buttons: sorted, hint, stageChoice };
}

/** The card as one actor sees it: their buttons (the invoke answer and personal chats). */
/** Issue 13: where a referral opens in Partner Center (absent when the sync is off). */
export type PartnerCenterLinks = ((referralId: string) => string) | undefined;

const linkOf = (deal: DealRecord, links: PartnerCenterLinks) => (deal.partnerCenter?.referralId && links ? links(deal.partnerCenter.referralId) : undefined);

export function personalDealCard(
  deal: DealRecord,
  actor: Actor,
  locale: Locale,
  ctx: Context,
  notice?: Notice,
  refreshUserIds?: string[],
  links?: PartnerCenterLinks,
): AdaptiveCard {
  const { buttons, hint, stageChoice } = buttonsFor(deal, actor, locale, ctx);
  // Issue 13: a push that failed for good can be sent again by an admin.
  if (deal.partnerCenter?.state === 'failed' && !adminRefusal(actor)) {
    buttons.push({ title: t(locale, 'sync.action.retry'), verb: VERBS.pcRetry, data: { dealId: deal.id }, group: 'secondary' });
  }
  const acting = buttons.some((b) => b.verb !== 'deal.history');
  const readOnly = !acting && deal.status !== 'Closed';
  return dealCard(
    deal,
    locale,
    { buttons, notice, stageChoice, refreshUserIds, timeZone: ctx.timeZone, hint: hint ?? (readOnly ? t(locale, 'deal.hint.readOnly') : undefined), partnerCenterUrl: linkOf(deal, links) },
    deal.latestNote ?? undefined,
  );
}

/**
 * The card everyone in a shared conversation sees: no one's buttons, but Teams refreshes it into each listed user's
 * own view (refresh.userIds), and anyone else can ask for theirs.
 */
/** `timeZone`: the one reader's zone when the card goes to a personal chat; otherwise the location's is shown. */
export function sharedDealCard(deal: DealRecord, locale: Locale, refreshUserIds: string[], links?: PartnerCenterLinks, timeZone?: string): AdaptiveCard {
  const buttons: CardButton[] =
    deal.status === 'Closed' && !deal.registration && deal.substatus !== 'Won'
      ? []
      : [{ title: t(locale, 'deal.action.refresh'), verb: VERBS.dealRefresh, data: { dealId: deal.id } }];
  return dealCard(deal, locale, { buttons, refreshUserIds, partnerCenterUrl: linkOf(deal, links), timeZone }, deal.latestNote ?? undefined);
}
