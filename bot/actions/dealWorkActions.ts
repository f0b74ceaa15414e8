import { z } from 'zod';
import { editForm, errorsOf, EDIT_FIELDS, loseForm, LOSE_FIELDS, registerForm, REGISTER_FIELDS, reviewForm, REVIEW_FIELDS, teamForm, TEAM_FIELDS, type FormState } from '../../cards/dealForms';
import { historyCard } from '../../cards/historyCard';
import { sentences, t } from '../../cards/i18n';
import type { AdaptiveCard } from '../../cards/render';
import { guard, parseInput, TeamMemberSchema, type CommandName, type DealRecord, type Refusal, type TeamMember } from '../../src/domain';
import { registerButton } from '../dealView';
import { contextOf, currentCard, DealActionData, notFoundCard, runDealCommand, type RunHooks } from './dealCommand';
import type { CardAction, CardActionHandler } from '../handlerTypes';
import { VERBS } from '../../cards/verbs';

/**
 * Working an accepted deal by forms (R19 edit, R9 team, R20 lost, R23 register and review) and its history.
 * Each "…form" verb opens a form in place of the card; its submit runs the command through the state machine, and a
 * refusal with field errors answers with the same form, values kept, an error under each field.
 */

/** The keys a card puts around the form's inputs; everything else in the data is the user's input. */
const ENVELOPE = new Set(['dealId', 'version']);
const inputOf = (data: Record<string, unknown>, only?: readonly string[]) =>
  Object.fromEntries(Object.entries(data).filter(([k]) => !ENVELOPE.has(k) && (!only || only.includes(k))));

/** The deal the card names, if the user may see it; and the refusal when `command` is not possible now. */
async function dealFor(action: CardAction, command?: CommandName): Promise<{ deal: DealRecord; refusal: Refusal | null } | null> {
  const parsed = DealActionData.safeParse(action.data);
  if (!parsed.success) return null;
  const found = await action.services.queries.get(parsed.data.dealId, action.turn.actor);
  if (!found.ok) return null;
  const refusal = command ? guard(found.value, command, action.turn.actor, contextOf(action)) : null;
  return { deal: found.value, refusal };
}

/** Opens a form for `command`, or the current card with the reason when the command is not possible (stale card). */
function formVerb(command: CommandName, form: (action: CardAction, deal: DealRecord) => Promise<AdaptiveCard>): CardActionHandler {
  return async (action) => {
    const found = await dealFor(action, command);
    if (!found) return notFoundCard(action);
    if (found.refusal) return currentCard(action, found.deal, { kind: 'warning', text: found.refusal.message[action.turn.locale] });
    return form(action, found.deal);
  };
}

/** On INVALID_INPUT (or nothing changed), the same form again with the errors; other refusals show the deal card. */
function refusedForm(
  action: CardAction,
  inputs: readonly string[],
  render: (deal: DealRecord, state: FormState) => Promise<AdaptiveCard> | AdaptiveCard,
  map: Record<string, string> = {},
): RunHooks['onRefused'] {
  const { locale } = action.turn;
  return async (refusal, current) => {
    if (refusal.code !== 'INVALID_INPUT' && refusal.code !== 'NOTHING_TO_CHANGE') return undefined;
    const { errors, other } = errorsOf(refusal.fieldErrors, locale, inputs, map);
    const text = sentences(locale, refusal.message[locale], ...other);
    return render(current, { values: inputOf(action.data), errors, notice: { kind: 'attention', text } });
  };
}

// ----- Lost (R20, reasons of R16) -----

const openLose = formVerb('lose', async (action, deal) => loseForm(deal, action.turn.locale));

const lose: CardActionHandler = (action) =>
  runDealCommand(action, (data) => ({ type: 'lose', input: inputOf(data, LOSE_FIELDS) }), 'deal.done.lose', undefined, {
    onRefused: refusedForm(action, LOSE_FIELDS, (deal, state) => loseForm(deal, action.turn.locale, state)),
  });

// ----- Edit (R19) -----

const notesOf = (action: CardAction, deal: DealRecord) => action.services.queries.notes(deal.id);

const openEdit = formVerb('edit', async (action, deal) => editForm(deal, action.turn.locale, await notesOf(action, deal), { timeZone: action.turn.timeZone, currencies: action.services.domain.currencies }));

/**
 * Everything the card sent except the envelope goes to the state machine: a forged `locationId` or `assessmentType`
 * is refused there by name (R8, R10), not silently dropped here.
 */
const edit: CardActionHandler = (action) =>
  runDealCommand(action, (data) => ({ type: 'edit', input: inputOf(data) }), 'deal.done.edit', undefined, {
    onRefused: refusedForm(action, EDIT_FIELDS, async (deal, state) => editForm(deal, action.turn.locale, await notesOf(action, deal), { ...state, timeZone: action.turn.timeZone, currencies: action.services.domain.currencies })),
  });

// ----- Team (R9, R19) -----

async function teamFormFor(action: CardAction, deal: DealRecord, state: FormState = {}): Promise<AdaptiveCard> {
  const recents = await action.services.queries.recentContacts(action.turn.actor, { exclude: deal.team.map((m) => m.email) });
  return teamForm(deal, action.turn.locale, recents, state);
}

const openTeam = formVerb('setTeam', (action, deal) => teamFormFor(action, deal));

const memberInput = (m: TeamMember) => ({ name: m.name, email: m.email, phone: m.phone ?? '', userId: m.userId });

/** Runs setTeam with the team `change` makes of the current one; success and errors both answer with the team form. */
async function changeTeam(
  action: CardAction,
  change: (deal: DealRecord) => { team: unknown[] } | { errors: Record<string, string> },
  doneKey: 'deal.done.teamAdded' | 'deal.done.teamRemoved',
): Promise<AdaptiveCard> {
  const found = await dealFor(action);
  if (!found) return notFoundCard(action);
  const changed = change(found.deal);
  const { locale } = action.turn;
  if ('errors' in changed) {
    return teamFormFor(action, found.deal, {
      values: inputOf(action.data),
      errors: changed.errors,
      // The contact picker may be gone (nothing left to offer): its message goes on top, where it is always seen.
      notice: { kind: 'attention', text: changed.errors.contact ?? t(locale, 'deal.form.fix') },
    });
  }
  return runDealCommand(action, () => ({ type: 'setTeam', input: { team: changed.team } }), doneKey, undefined, {
    onRefused: refusedForm(action, TEAM_FIELDS, (deal, state) => teamFormFor(action, deal, state), { team: 'remove' }),
    onDone: (outcome, notice) => teamFormFor(action, outcome.deal, { notice }),
  });
}

const addMember: CardActionHandler = (action) =>
  changeTeam(
    action,
    (deal) => {
      const member = parseInput(TeamMemberSchema, { name: action.data.memberName, phone: action.data.memberPhone, email: action.data.memberEmail });
      if (!member.ok) {
        const map = { name: 'memberName', phone: 'memberPhone', email: 'memberEmail' };
        return { errors: errorsOf(member.refusal.fieldErrors, action.turn.locale, TEAM_FIELDS, map).errors };
      }
      return { team: [...deal.team.map(memberInput), member.value] };
    },
    'deal.done.teamAdded',
  );

const ContactChoice = z.object({ contact: z.string().trim().min(1) });

const addContact: CardActionHandler = async (action) => {
  const choice = ContactChoice.safeParse(action.data);
  // The contact must be one the server offers this user (R9: from the user's own earlier deals), not any typed email.
  const offered = choice.success
    ? (await action.services.queries.recentContacts(action.turn.actor, { limit: 50 })).find(
        (c) => c.email.toLowerCase() === choice.data.contact.toLowerCase(),
      )
    : undefined;
  return changeTeam(
    action,
    (deal) => (offered ? { team: [...deal.team.map(memberInput), offered] } : { errors: { contact: t(action.turn.locale, 'deal.team.pickContact') } }),
    'deal.done.teamAdded',
  );
};

const removeMembers: CardActionHandler = (action) =>
  changeTeam(
    action,
    (deal) => {
      // A multi-select ChoiceSet submits "a@x,b@y".
      const remove = new Set(
        String(action.data.remove ?? '')
          .split(',')
          .map((e) => e.trim().toLowerCase())
          .filter(Boolean),
      );
      if (remove.size === 0) return { errors: { remove: t(action.turn.locale, 'deal.team.pickMember') } };
      return { team: deal.team.filter((m) => !remove.has(m.email.toLowerCase())).map(memberInput) };
    },
    'deal.done.teamRemoved',
  );

// ----- Registration (R23) -----

const openRegister = formVerb('register', async (action, deal) => registerForm(deal, action.turn.locale, { currencies: action.services.domain.currencies }));

const register: CardActionHandler = (action) =>
  runDealCommand(action, (data) => ({ type: 'register', input: inputOf(data, REGISTER_FIELDS) }), 'deal.done.register', undefined, {
    onRefused: refusedForm(action, REGISTER_FIELDS, (deal, state) => registerForm(deal, action.turn.locale, { ...state, currencies: action.services.domain.currencies })),
  });

const openReview = formVerb('reviewRegistration', async (action, deal) => reviewForm(deal, action.turn.locale));

const review: CardActionHandler = (action) =>
  runDealCommand(action, (data) => ({ type: 'reviewRegistration', input: inputOf(data, REVIEW_FIELDS) }), 'deal.done.review', undefined, {
    onRefused: refusedForm(action, REVIEW_FIELDS, (deal, state) => reviewForm(deal, action.turn.locale, state)),
  });

// ----- History -----

const history: CardActionHandler = async (action) => {
  const found = await dealFor(action);
  if (!found) return notFoundCard(action);
  const [events, notes] = await Promise.all([action.services.queries.history(found.deal.id), action.services.queries.notes(found.deal.id)]);
  return historyCard(found.deal, action.turn.locale, events, notes, action.turn.timeZone);
};

registerButton('lose', { verb: VERBS.dealLoseForm, group: 'secondary', title: (l) => t(l, 'deal.action.lose') });
registerButton('edit', { verb: VERBS.dealEditForm, group: 'secondary', title: (l) => t(l, 'deal.action.edit') });
registerButton('setTeam', { verb: VERBS.dealTeamForm, group: 'secondary', title: (l) => t(l, 'deal.action.team') });
registerButton('register', { verb: VERBS.dealRegisterForm, style: 'positive', title: (l) => t(l, 'deal.action.register') });
registerButton('reviewRegistration', { verb: VERBS.dealReviewForm, title: (l) => t(l, 'deal.action.review') });

export const dealWorkVerbs: Record<string, CardActionHandler> = {
  [VERBS.dealLoseForm]: openLose,
  [VERBS.dealLose]: lose,
  [VERBS.dealEditForm]: openEdit,
  [VERBS.dealEdit]: edit,
  [VERBS.dealTeamForm]: openTeam,
  [VERBS.dealTeamAdd]: addMember,
  [VERBS.dealTeamAddContact]: addContact,
  [VERBS.dealTeamRemove]: removeMembers,
  [VERBS.dealRegisterForm]: openRegister,
  [VERBS.dealRegister]: register,
  [VERBS.dealReviewForm]: openReview,
  [VERBS.dealReview]: review,
  [VERBS.dealHistory]: history,
};
