import { acceptDefaults, ACCEPT_MEMBER_ROWS, memberInputId, referralAcceptCard, type AcceptFormValues } from '../../cards/referralAcceptCard';
import { referralDeclineCard } from '../../cards/referralDeclineCard';
import { t } from '../../cards/i18n';
import type { AdaptiveCard } from '../../cards/render';
import { messageCard } from '../../cards/messageCard';
import { CLOSE_REASON_LABEL, CloseReasonSchema, guard, type Command, type CommandName, type CommandOutcome, type DealRecord, type Refusal } from '../../src/domain';
import { registerButton } from '../dealView';
import { clickedCopy, contextOf, currentCard, DealActionData, notFoundCard } from './dealCommand';
import type { CardAction, CardActionHandler } from '../handlerTypes';
import { VERBS } from '../../cards/verbs';

/**
 * R15/R16: Accept and Decline on a referral card. The button opens an inline form on the same card; its submit runs
 * the command through the store (the state machine decides, races included) and answers with the user's current view.
 * Bad input comes back on the form with a message per field; nothing is stored.
 */

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function acceptValuesOf(data: Record<string, unknown>): AcceptFormValues {
  return {
    name: text(data.name),
    value: text(data.value),
    currency: text(data.currency),
    closeDate: text(data.closeDate),
    notes: text(data.notes),
    crmId: text(data.crmId),
    campaignId: text(data.campaignId),
    members: Array.from({ length: ACCEPT_MEMBER_ROWS }, (_, i) => ({
      name: text(data[memberInputId(i, 'Name')]),
      email: text(data[memberInputId(i, 'Email')]),
      phone: text(data[memberInputId(i, 'Phone')]),
    })),
  };
}

/** The form's entries as the domain's accept input; member rows left empty are not members. */
function acceptInputOf(values: AcceptFormValues) {
  const team = values.members
    .map((m, row) => ({ ...m, row }))
    .filter((m) => m.name.trim() || m.email.trim() || m.phone.trim());
  return {
    input: {
      name: values.name,
      value: values.value,
      currency: values.currency,
      closeDate: values.closeDate,
      notes: values.notes,
      crmId: values.crmId,
      campaignId: values.campaignId,
      team: team.map(({ name, email, phone }) => ({ name, email, phone })),
    },
    /** team.<i> of the input is form row rows[i]. */
    rows: team.map((m) => m.row),
  };
}

const RACE_OUTCOMES = new Set(['ALREADY_ACCEPTED', 'ALREADY_DECLINED', 'ALREADY_EXPIRED']);

/**
 * The answer to a click that was refused. Someone who could have answered the referral but lost the race (R18) may no
 * longer see the deal (R3: it now belongs to the winner's team), yet is told who won: on the read-only card where it
 * was posted in this conversation, else in a short message. Anyone else learns nothing (R4).
 */
async function refusedCard(action: CardAction, dealId: string, command: CommandName, refusal: Refusal): Promise<AdaptiveCard> {
  const { services, turn } = action;
  const notice = { kind: 'warning' as const, text: refusal.message[turn.locale] };
  const visible = await services.queries.get(dealId, turn.actor);
  if (visible.ok) return currentCard(action, visible.value, notice);
  const stored = await services.queries.getForSystem(dealId);
  if (!stored.ok) return notFoundCard(action);
  const race = guard(stored.value, command, turn.actor, contextOf(action));
  if (!race || !RACE_OUTCOMES.has(race.code)) return notFoundCard(action);
  const posted = await services.cardPosts.postedIn(dealId, turn.context.activity.conversation?.id ?? '');
  return posted ? currentCard(action, stored.value, { kind: 'warning', text: race.message[turn.locale] }) : messageCard(race.message[turn.locale], []);
}

/** The form opens only where the click would pass; otherwise the reason ("already accepted by X"). */
async function openForm(action: CardAction, command: CommandName, form: (deal: DealRecord) => AdaptiveCard | Promise<AdaptiveCard>): Promise<AdaptiveCard> {
  const parsed = DealActionData.safeParse(action.data);
  if (!parsed.success) return notFoundCard(action);
  const { dealId } = parsed.data;
  const found = await action.services.queries.get(dealId, action.turn.actor);
  if (!found.ok) return refusedCard(action, dealId, command, found.refusal);
  const refusal = guard(found.value, command, action.turn.actor, contextOf(action));
  return refusal ? refusedCard(action, dealId, command, refusal) : form(found.value);
}

/**
 * Runs the submitted command. Field errors go back to the form (`onInvalid`); any other refusal (race lost, stale
 * card, out of scope) shows the current card with the reason. On success every posted copy is brought up to date.
 */
async function submit(
  action: CardAction,
  command: Command,
  onInvalid: (deal: DealRecord, refusal: Refusal) => AdaptiveCard,
  done: (outcome: CommandOutcome) => string,
): Promise<AdaptiveCard> {
  const parsed = DealActionData.safeParse(action.data);
  if (!parsed.success) return notFoundCard(action);
  const { services, turn } = action;
  const { dealId, version } = parsed.data;
  const result = await services.commands.execute(dealId, command, turn.actor, {
    today: turn.today,
    expectedVersion: version,
    viewedCopy: clickedCopy(action),
  });
  if (!result.ok) {
    if (result.refusal.code === 'INVALID_INPUT' && result.refusal.fieldErrors.length) {
      const current = await services.queries.get(dealId, turn.actor);
      if (current.ok) return onInvalid(current.value, result.refusal);
    }
    return refusedCard(action, dealId, command.type, result.refusal);
  }
  return currentCard(action, result.value.deal, { kind: 'good', text: done(result.value) });
}

export const openAccept: CardActionHandler = (action) =>
  openForm(action, 'accept', async (deal) => {
    const { actor } = action.turn;
    const me = { name: actor.name, email: actor.email ?? null, phone: await action.services.queries.ownPhone(actor) };
    return referralAcceptCard(deal, action.turn.locale, { values: acceptDefaults(deal, me), currencies: action.services.domain.currencies });
  });

export const submitAccept: CardActionHandler = (action) => {
  const values = acceptValuesOf(action.data);
  const { input, rows } = acceptInputOf(values);
  const { locale } = action.turn;
  return submit(
    action,
    { type: 'accept', input },
    (deal, refusal) => {
      // Field paths name the submitted team entries; the form names its rows.
      const errors = refusal.fieldErrors.map((e) => {
        const m = /^team\.(\d+)\.(.+)$/.exec(e.field);
        return m ? { ...e, field: `team.${rows[Number(m[1])] ?? m[1]}.${m[2]}` } : e;
      });
      return referralAcceptCard(deal, locale, { values, errors, notice: t(locale, 'referral.fixErrors'), currencies: action.services.domain.currencies });
    },
    () => t(locale, 'referral.done.accept'),
  );
};

export const openDecline: CardActionHandler = (action) =>
  openForm(action, 'decline', (deal) => referralDeclineCard(deal, action.turn.locale));

export const submitDecline: CardActionHandler = (action) => {
  const values = { reason: text(action.data.reason), message: text(action.data.message) };
  const { locale } = action.turn;
  return submit(
    action,
    { type: 'decline', input: { reason: values.reason || undefined, message: values.message } },
    (deal, refusal) => referralDeclineCard(deal, locale, { values, errors: refusal.fieldErrors, notice: t(locale, 'referral.fixErrors') }),
    (outcome) => {
      const reason = CloseReasonSchema.safeParse(outcome.deal.closeReason);
      return t(locale, 'referral.done.decline', { reason: reason.success ? CLOSE_REASON_LABEL[reason.data][locale] : '—' });
    },
  );
};

registerButton('accept', { verb: VERBS.referralAccept, style: 'positive', title: (l) => t(l, 'referral.action.accept') });
registerButton('decline', { verb: VERBS.referralDecline, style: 'destructive', title: (l) => t(l, 'referral.action.decline') });

export const referralVerbs = {
  [VERBS.referralAccept]: openAccept,
  [VERBS.referralAcceptSubmit]: submitAccept,
  [VERBS.referralDecline]: openDecline,
  [VERBS.referralDeclineSubmit]: submitDecline,
};
