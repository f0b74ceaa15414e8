import { adminPanelCard, roleLabel, scopeLabel, type LocationView, type PersonView } from '../../cards/adminCard';
import type { Notice } from '../../cards/dealCard';
import { t } from '../../cards/i18n';
import type { AdaptiveCard } from '../../cards/render';
import { adminRefusal, defaultScopeFor, type AdminFailure, type Person, type RoleChange, type RoleGrant, type Scope } from '../../src/domain';
import { refreshCardsAfterRoleChange } from '../../src/services/roleChanges';
import type { BotServices } from '../botServices';
import type { Turn } from '../turn';
import type { TargetRef } from './args';
import { findByName, resolveMention } from './identity';

/** What the text commands and the admin card's buttons share: look-ups, the role change, and the panel. */

export function personView(u: Person): PersonView {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    global: u.globalScope,
    locations: [...u.locationIds].sort(),
  };
}

/** REQUIRES_ADMIN (or NO_ROLE) for anyone but an admin, as the user's message; null for an admin. */
export function notAdminMessage(turn: Turn): string | null {
  const refusal = adminRefusal(turn.actor);
  return refusal ? refusal.message[turn.locale] : null;
}

export async function locationViews(services: BotServices): Promise<LocationView[]> {
  return services.admin.locations();
}

export async function panelCard(turn: Turn, services: BotServices, notice?: Notice): Promise<AdaptiveCard> {
  const [locations, people, routes] = await Promise.all([services.admin.locations(), services.people.all(), services.routes.list()]);
  return adminPanelCard(
    {
      locations,
      people: people.map(personView),
      routes: routes.map((r) => ({
        locationId: r.locationId,
        locationName: r.locationName,
        conversationId: r.conversationId,
        conversationKind: r.conversationKind,
        broken: r.broken,
        brokenAt: r.brokenAt,
      })),
      viewerIsGlobal: turn.actor.scope.global,
      grantableLocations: turn.actor.scope.locations,
      notice,
    },
    turn.locale,
  );
}

export async function knownLocationIds(services: BotServices): Promise<string> {
  const ids = (await services.admin.locations()).map((l) => l.id);
  return ids.length ? ids.join(', ') : '';
}

/** The failure of an admin change, in the user's language. */
export async function failureMessage(turn: Turn, services: BotServices, failure: AdminFailure, who = ''): Promise<string> {
  if (failure.kind === 'refused') return failure.refusal.message[turn.locale];
  if (failure.kind === 'unknownPerson') return t(turn.locale, 'admin.error.unknownPerson', { who });
  const known = (await knownLocationIds(services)) || t(turn.locale, 'admin.error.noLocations');
  return t(turn.locale, 'admin.error.unknownLocation', { id: failure.id, known });
}

/** The person a command names; null when unknown (the caller says so). */
export async function resolveTarget(turn: Turn, services: BotServices, ref: TargetRef): Promise<Person | null> {
  if (ref.kind === 'mention') return resolveMention(turn.context, services, ref.text);
  if (ref.kind === 'email') return services.people.byEmail(ref.email);
  return findByName(services, ref.name);
}

export function describeTarget(ref: TargetRef): string {
  return ref.kind === 'email' ? ref.email : ref.kind === 'name' ? ref.name : ref.text.replace(/<\/?at>/gi, '');
}

/** Location ids or names as typed ("tokyo, Contoso Japan – Osaka" or "tokyo osaka") → ids, or the first unknown word. */
export async function resolveLocations(services: BotServices, words: string[]): Promise<{ ok: true; ids: string[] } | { ok: false; word: string }> {
  const ids: string[] = [];
  for (const word of words) {
    const whole = await services.admin.findLocation(word);
    if (whole) {
      ids.push(whole.id);
      continue;
    }
    for (const part of word.split(/\s+/)) {
      const found = await services.admin.findLocation(part);
      if (!found) return { ok: false, word: part };
      ids.push(found.id);
    }
  }
  return { ok: true, ids };
}

/** The scope a command asks for: typed words, else the granting admin's own scope (domain rule). */
export async function scopeFrom(
  turn: Turn,
  services: BotServices,
  typed: 'global' | string[] | undefined,
): Promise<{ ok: true; scope: Scope } | { ok: false; message: string }> {
  if (typed === undefined) return { ok: true, scope: defaultScopeFor(turn.actor) };
  if (typed === 'global') return { ok: true, scope: { global: true, locations: [] } };
  const resolved = await resolveLocations(services, typed);
  if (!resolved.ok) return { ok: false, message: await failureMessage(turn, services, { kind: 'unknownLocation', id: resolved.word }) };
  return { ok: true, scope: { global: false, locations: resolved.ids } };
}

/**
 * Changes a role (rules in src/domain, audit in the service), then brings posted deal cards up to date for the new
 * rights. Returns the notice to show.
 */
export async function changeRole(turn: Turn, services: BotServices, target: Person, grant: RoleGrant): Promise<Notice> {
  const result = await services.admin.changeRole(turn.actor, target.id, grant);
  if (!result.ok) return { kind: 'attention', text: await failureMessage(turn, services, result.failure, target.name) };
  const change: RoleChange = result.value;
  if (!change.changed) return { kind: 'good', text: t(turn.locale, 'admin.done.unchanged', { name: target.name }) };
  await refreshCardsAfterRoleChange(services, change.before, change.after);
  if (change.after.role === null) return { kind: 'good', text: t(turn.locale, 'admin.done.roleRemoved', { name: target.name }) };
  const view = { role: change.after.role, global: change.after.scope.global, locations: change.after.scope.locations };
  return {
    kind: 'good',
    text: t(turn.locale, 'admin.done.roleChanged', {
      name: target.name,
      role: roleLabel(change.after.role, turn.locale),
      scope: scopeLabel(view, turn.locale),
    }),
  };
}
