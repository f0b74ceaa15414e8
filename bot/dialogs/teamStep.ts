import { TeamMemberSchema, fieldError, fieldErrorsOf, type TeamMemberInput } from '../../src/domain';
import { entriesOf, errorsFrom, tr } from './stepHelpers';
import type { Errors, StepContext, StepDef } from './wizardTypes';

/** R9: the deal team: at least one complete member; recent contacts from the user's earlier deals are one click. */

export const MAX_TEAM_ROWS = 10;
const RECENT_CONTACTS = 5;

/** R9: complete members from the user's earlier deals (the same list the deal card's team form offers). */
function recentContacts(ctx: StepContext) {
  return ctx.services.queries.recentContacts(ctx.turn.actor, { limit: RECENT_CONTACTS });
}

const rowOf = (ctx: StepContext, i: number) => {
  const e = entriesOf(ctx, 'team');
  return { name: e[`team.${i}.name`] ?? '', phone: e[`team.${i}.phone`] ?? '', email: e[`team.${i}.email`] ?? '' };
};
const blank = (r: { name: string; phone: string; email: string }) => !r.name.trim() && !r.phone.trim() && !r.email.trim();

/** The complete members (blank rows dropped), each linked to a known user by email. Errors per row field. */
export function teamOf(ctx: StepContext): { members: TeamMemberInput[]; errors: Errors } {
  const members: TeamMemberInput[] = [];
  const errors: Errors = {};
  for (let i = 0; i < ctx.draft.teamRows; i++) {
    const row = rowOf(ctx, i);
    if (blank(row)) continue;
    const parsed = TeamMemberSchema.safeParse(row);
    if (!parsed.success) Object.assign(errors, errorsFrom(fieldErrorsOf(parsed.error), ctx.locale, `team.${i}`));
    else members.push({ ...parsed.data, userId: ctx.draft.knownUsers[parsed.data.email.toLowerCase()] ?? null });
  }
  if (members.length === 0 && Object.keys(errors).length === 0) errors.team = fieldError('team', 'atLeastOne').message[ctx.locale];
  return { members, errors };
}

export const teamStep: StepDef = {
  id: 'team',

  async body(ctx, errors) {
    const e = entriesOf(ctx, 'team');
    const rows = Array.from({ length: ctx.draft.teamRows }, (_, i) => ({
      heading: tr(ctx, 'wizard.team.member', { n: i + 1 }),
      fields: (['name', 'phone', 'email'] as const).map((k) => ({
        id: `team.${i}.${k}`,
        kind: 'text' as const,
        label: tr(ctx, k === 'name' ? 'wizard.field.memberName' : k === 'phone' ? 'wizard.field.phone' : 'wizard.field.email'),
        value: e[`team.${i}.${k}`] ?? '',
        error: errors[`team.${i}.${k}`],
        maxLength: k === 'name' ? 100 : k === 'phone' ? 30 : 254,
      })),
    }));
    const onCard = new Set(Array.from({ length: ctx.draft.teamRows }, (_, i) => rowOf(ctx, i).email.trim().toLowerCase()));
    const recent = (await recentContacts(ctx)).filter((c) => !onCard.has(c.email.toLowerCase()));
    const actions = [
      ...(ctx.draft.teamRows < MAX_TEAM_ROWS ? recent.map((c) => ctx.button(tr(ctx, 'wizard.team.addContact', { name: c.name }), 'addContact', { arg: c.email })) : []),
      ...(ctx.draft.teamRows < MAX_TEAM_ROWS ? [ctx.button(tr(ctx, 'wizard.team.addMember'), 'addMember')] : []),
    ];
    return {
      title: tr(ctx, 'wizard.team.title'),
      intro: tr(ctx, 'wizard.team.intro'),
      sections: [
        ...rows,
        { heading: recent.length ? tr(ctx, 'wizard.team.recent') : '', actions },
      ],
    };
  },

  async submit(ctx, nav, arg) {
    if (nav === 'addMember' || nav === 'addContact') {
      if (ctx.draft.teamRows >= MAX_TEAM_ROWS) return { kind: 'stay' };
      const e = entriesOf(ctx, 'team');
      let i = Array.from({ length: ctx.draft.teamRows }, (_, j) => j).find((j) => blank(rowOf(ctx, j)));
      if (i === undefined) i = ctx.draft.teamRows++;
      if (nav === 'addContact') {
        // The contact comes from the store, never from the card: a forged email adds nobody.
        const contact = (await recentContacts(ctx)).find((c) => c.email.toLowerCase() === arg?.toLowerCase());
        if (!contact) return { kind: 'stay' };
        e[`team.${i}.name`] = contact.name;
        e[`team.${i}.phone`] = contact.phone;
        e[`team.${i}.email`] = contact.email;
        if (contact.userId) ctx.draft.knownUsers[contact.email.toLowerCase()] = contact.userId;
      }
      return { kind: 'stay' };
    }
    const { errors } = teamOf(ctx);
    return Object.keys(errors).length ? { kind: 'stay', errors } : { kind: 'next' };
  },

  async summary(ctx) {
    return teamOf(ctx).members.map((m) => m.name).join(', ');
  },
};
