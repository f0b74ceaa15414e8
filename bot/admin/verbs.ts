import { adminDoneCard, adminErrorCard } from '../../cards/adminCard';
import type { Notice } from '../../cards/dealCard';
import { t } from '../../cards/i18n';
import { messageCard } from '../../cards/messageCard';
import { recordAdminTenant } from '../admission';
import type { CardAction, CardActionHandler } from '../handlerTypes';
import { LocationZoneFormSchema, parseAddLocationForm, RemoveLocationFormSchema, RenameLocationFormSchema, SetRoleFormSchema } from './args';
import { isTimeZone } from '../../src/domain';
import { changeRole, failureMessage, notAdminMessage, panelCard, resolveLocations } from './core';
import { VERBS } from '../../cards/verbs';

/**
 * The admin card's buttons (Action.Execute). Card data is untrusted (R4): every verb re-checks that the clicker is
 * an admin and the service re-checks the rule, so a forged invoke changes nothing. Each answers with the admin
 * card as it is now, with what happened on top.
 */

const adminOnly =
  (handler: CardActionHandler): CardActionHandler =>
  async (action) => {
    const denied = notAdminMessage(action.turn);
    return denied ? adminErrorCard(denied, action.turn.locale) : handler(action);
  };

const panelWith = (action: CardAction, notice: Notice) => panelCard(action.turn, action.services, notice);
const attention = (text: string): Notice => ({ kind: 'attention', text });

const show: CardActionHandler = (action) => panelCard(action.turn, action.services);

const addLocation: CardActionHandler = async (action) => {
  const { turn, services } = action;
  const parsed = parseAddLocationForm(action.data);
  if (!parsed.ok) return panelWith(action, attention(t(turn.locale, parsed.problem.key, parsed.problem.params)));
  const result = await services.admin.addLocation(turn.actor, parsed.value);
  if (!result.ok) return panelWith(action, attention(await failureMessage(turn, services, result.failure)));
  return panelWith(action, { kind: 'good', text: t(turn.locale, 'admin.done.locationAdded', { id: result.value.id, name: result.value.name }) });
};

const renameLocation: CardActionHandler = async (action) => {
  const { turn, services } = action;
  const form = RenameLocationFormSchema.safeParse(action.data);
  if (!form.success) return panelWith(action, attention(t(turn.locale, 'admin.error.usageRenameLocation')));
  const name = form.data.renameLocationName.trim();
  if (name.length < 1 || name.length > 200) return panelWith(action, attention(t(turn.locale, 'admin.error.badLocationName')));
  const result = await services.admin.renameLocation(turn.actor, form.data.renameLocationId, name);
  if (!result.ok) return panelWith(action, attention(await failureMessage(turn, services, result.failure)));
  return panelWith(action, { kind: 'good', text: t(turn.locale, 'admin.done.locationRenamed', result.value) });
};

/** Issue 14: a location's time zone, from a list (any IANA zone is refused unless it is one). */
const setLocationZone: CardActionHandler = async (action) => {
  const { turn, services } = action;
  const form = LocationZoneFormSchema.safeParse(action.data);
  if (!form.success || !isTimeZone(form.data.zoneTimeZone)) return panelWith(action, attention(t(turn.locale, 'admin.error.badTimeZone')));
  const result = await services.admin.setLocationZone(turn.actor, form.data.renameLocationId, form.data.zoneTimeZone);
  if (!result.ok) return panelWith(action, attention(await failureMessage(turn, services, result.failure)));
  return panelWith(action, { kind: 'good', text: t(turn.locale, 'admin.done.locationZoneSet', { id: result.value.id, after: result.value.after }) });
};

const removeLocation: CardActionHandler = async (action) => {
  const { turn, services } = action;
  const form = RemoveLocationFormSchema.safeParse(action.data);
  if (!form.success) return panelWith(action, attention(t(turn.locale, 'admin.error.usageRemoveLocation')));
  const result = await services.admin.removeLocation(turn.actor, form.data.removeLocationId);
  if (!result.ok) return panelWith(action, attention(await failureMessage(turn, services, result.failure)));
  return panelWith(action, { kind: 'good', text: t(turn.locale, 'admin.done.locationRemoved', result.value) });
};

const setRole: CardActionHandler = async (action) => {
  const { turn, services } = action;
  const form = SetRoleFormSchema.safeParse(action.data);
  if (!form.success) {
    const missingPerson = form.error.issues.some((i) => i.path[0] === 'rolePerson');
    return panelWith(action, attention(t(turn.locale, missingPerson ? 'admin.error.pickPerson' : 'admin.error.pickRole')));
  }
  const target = await services.people.byId(form.data.rolePerson);
  if (!target) return panelWith(action, attention(t(turn.locale, 'admin.error.unknownPerson', { who: form.data.rolePerson })));
  const role = form.data.roleRole === 'none' ? null : form.data.roleRole;
  let scope = { global: form.data.roleGlobal === 'true', locations: [] as string[] };
  if (role && !scope.global) {
    const words = (form.data.roleLocations ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const resolved = await resolveLocations(services, words);
    if (!resolved.ok) return panelWith(action, attention(await failureMessage(turn, services, { kind: 'unknownLocation', id: resolved.word })));
    scope = { global: false, locations: resolved.ids };
  }
  return panelWith(action, await changeRole(turn, services, target, { role, scope }));
};

/** The first-admin offer (src/services/bootstrap.ts). Open to people without a role: it is how the first one gets one. */
const claim: CardActionHandler = async ({ turn, services }) => {
  const outcome = await services.bootstrap.claim(turn.user);
  if (outcome.ok) await recordAdminTenant(turn.context, services, outcome.user);
  if (outcome.ok) return adminDoneCard(`${t(turn.locale, 'admin.offer.claimedTitle')}. ${t(turn.locale, 'admin.offer.claimedText')}`, turn.locale);
  if (outcome.reason === 'adminExists') return messageCard(t(turn.locale, 'admin.offer.adminExists', { names: outcome.admins.join(', ') }), [], 'attention');
  if (outcome.reason === 'bootstrapDisabled') return messageCard(t(turn.locale, 'admin.offer.disabled'), [], 'attention');
  return messageCard(t(turn.locale, 'admin.offer.notOffered'), [], 'attention');
};

const decline: CardActionHandler = async ({ turn, services }) => {
  const released = await services.bootstrap.decline(turn.user);
  return messageCard(t(turn.locale, released ? 'admin.offer.declined' : 'admin.offer.notOffered'), [], released ? 'default' : 'attention');
};

/** Card verbs a person without a role may use (the gate in bot/admin/gate.ts lets only these through). */
export const OPEN_VERBS: ReadonlySet<string> = new Set<string>([VERBS.adminBootstrapClaim, VERBS.adminBootstrapDecline]);

export const adminVerbs: Record<string, CardActionHandler> = {
  [VERBS.adminShow]: adminOnly(show),
  [VERBS.adminAddLocation]: adminOnly(addLocation),
  [VERBS.adminRenameLocation]: adminOnly(renameLocation),
  [VERBS.adminRemoveLocation]: adminOnly(removeLocation),
  [VERBS.adminSetLocationZone]: adminOnly(setLocationZone),
  [VERBS.adminSetRole]: adminOnly(setRole),
  [VERBS.adminBootstrapClaim]: claim,
  [VERBS.adminBootstrapDecline]: decline,
};
