import { MessageFactory } from 'botbuilder';
import { adminDoneCard, adminErrorCard, locationsListCard, peopleListCard } from '../../cards/adminCard';
import { t } from '../../cards/i18n';
import { cardAttachment, type AdaptiveCard } from '../../cards/render';
import type { TextHandler } from '../handlerTypes';
import type { Turn } from '../turn';
import { parseAddLocation, parseRemoveLocation, parseRemoveRoleArgs, parseRenameLocation, parseRoleArgs, type ArgProblem } from './args';
import { changeRole, describeTarget, failureMessage, notAdminMessage, panelCard, personView, resolveTarget, scopeFrom } from './core';

/** The typed admin commands (ja/en). Each checks its words (zod), asks the service, and answers with one card. */

const reply = (turn: Turn, card: AdaptiveCard) => turn.context.sendActivity(MessageFactory.attachment(cardAttachment(card)));

const problemCard = (turn: Turn, p: ArgProblem) => adminErrorCard(t(turn.locale, p.key, p.params), turn.locale, p.key === p.usage ? undefined : t(turn.locale, p.usage));

/** Wraps a handler: anyone but an admin gets the refusal (REQUIRES_ADMIN), in their language. */
const adminOnly =
  (handler: TextHandler): TextHandler =>
  async (turn, args, services) => {
    const denied = notAdminMessage(turn);
    if (denied) {
      await reply(turn, adminErrorCard(denied, turn.locale));
      return;
    }
    await handler(turn, args, services);
  };

const admin: TextHandler = async (turn, _args, services) => {
  await reply(turn, await panelCard(turn, services));
};

const locations: TextHandler = async (turn, _args, services) => {
  await reply(turn, locationsListCard(await services.admin.locations(), turn.locale));
};

const people: TextHandler = async (turn, _args, services) => {
  await reply(turn, peopleListCard((await services.people.all()).map(personView), turn.locale));
};

const addLocation: TextHandler = async (turn, args, services) => {
  const parsed = parseAddLocation(args);
  if (!parsed.ok) return void (await reply(turn, problemCard(turn, parsed.problem)));
  const result = await services.admin.addLocation(turn.actor, parsed.value);
  if (!result.ok) return void (await reply(turn, adminErrorCard(await failureMessage(turn, services, result.failure), turn.locale)));
  await reply(turn, adminDoneCard(t(turn.locale, 'admin.done.locationAdded', { id: result.value.id, name: result.value.name }), turn.locale));
};

const renameLocation: TextHandler = async (turn, args, services) => {
  const parsed = parseRenameLocation(args);
  if (!parsed.ok) return void (await reply(turn, problemCard(turn, parsed.problem)));
  const result = await services.admin.renameLocation(turn.actor, parsed.value.id, parsed.value.name);
  if (!result.ok) return void (await reply(turn, adminErrorCard(await failureMessage(turn, services, result.failure), turn.locale)));
  await reply(turn, adminDoneCard(t(turn.locale, 'admin.done.locationRenamed', result.value), turn.locale));
};

const removeLocation: TextHandler = async (turn, args, services) => {
  const parsed = parseRemoveLocation(args);
  if (!parsed.ok) return void (await reply(turn, problemCard(turn, parsed.problem)));
  const result = await services.admin.removeLocation(turn.actor, parsed.value.id);
  if (!result.ok) return void (await reply(turn, adminErrorCard(await failureMessage(turn, services, result.failure), turn.locale)));
  await reply(turn, adminDoneCard(t(turn.locale, 'admin.done.locationRemoved', result.value), turn.locale));
};

const role: TextHandler = async (turn, args, services) => {
  const parsed = parseRoleArgs(args);
  if (!parsed.ok) return void (await reply(turn, problemCard(turn, parsed.problem)));
  const target = await resolveTarget(turn, services, parsed.value.target);
  if (!target) {
    const who = describeTarget(parsed.value.target);
    return void (await reply(turn, adminErrorCard(t(turn.locale, 'admin.error.unknownPerson', { who }), turn.locale)));
  }
  const scope = await scopeFrom(turn, services, parsed.value.scope);
  if (!scope.ok) return void (await reply(turn, adminErrorCard(scope.message, turn.locale, t(turn.locale, 'admin.error.usageRole'))));
  const notice = await changeRole(turn, services, target, { role: parsed.value.role, scope: scope.scope });
  await reply(turn, notice.kind === 'good' ? adminDoneCard(notice.text, turn.locale) : adminErrorCard(notice.text, turn.locale));
};

const removeRole: TextHandler = async (turn, args, services) => {
  const parsed = parseRemoveRoleArgs(args);
  if (!parsed.ok) return void (await reply(turn, problemCard(turn, parsed.problem)));
  const target = await resolveTarget(turn, services, parsed.value);
  if (!target) {
    return void (await reply(turn, adminErrorCard(t(turn.locale, 'admin.error.unknownPerson', { who: describeTarget(parsed.value) }), turn.locale)));
  }
  const notice = await changeRole(turn, services, target, { role: null, scope: { global: false, locations: [] } });
  await reply(turn, notice.kind === 'good' ? adminDoneCard(notice.text, turn.locale) : adminErrorCard(notice.text, turn.locale));
};

export const adminTextHandlers = {
  admin: adminOnly(admin),
  locations: adminOnly(locations),
  addLocation: adminOnly(addLocation),
  renameLocation: adminOnly(renameLocation),
  removeLocation: adminOnly(removeLocation),
  people: adminOnly(people),
  role: adminOnly(role),
  removeRole: adminOnly(removeRole),
} satisfies Record<string, TextHandler>;
