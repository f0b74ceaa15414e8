import { inScope, type Actor, type PersonActor, type Scope } from './actor';
import { refuseAdmin, type AdminRefusal } from './adminRefusals';
import type { DealState } from './deal';
import { refuse, type Refusal } from './refusals';
import type { Role } from './vocabulary';

/**
 * R1–R4. Returns null when allowed, else the refusal. The same checks decide visibility and action: a user sees a
 * deal exactly when it may act on it (R3).
 *
 * A new incoming referral has no team of ours yet, so every user whose scope holds its location may see and answer
 * it; whoever accepts it becomes its owner and R3 applies from then on.
 */
export function isOnTeam(deal: Pick<DealState, 'team' | 'createdById' | 'acceptedById'>, actor: PersonActor): boolean {
  if (deal.createdById === actor.id || deal.acceptedById === actor.id) return true;
  const email = actor.email?.toLowerCase();
  return deal.team.some((m) => m.userId === actor.id || (!!email && m.email.toLowerCase() === email));
}

export function accessRefusal(deal: DealState, actor: Actor): Refusal | null {
  if (actor.kind === 'system') return null;
  if (actor.role === null) return refuse('NO_ROLE');
  if (!inScope(actor, deal.locationId)) return refuse('LOCATION_OUT_OF_SCOPE', { location: deal.locationId });
  if (actor.role === 'admin') return null;
  if (deal.status === 'New') return null;
  return isOnTeam(deal, actor) ? null : refuse('NOT_ON_TEAM');
}

export function canSee(deal: DealState, actor: Actor): boolean {
  return accessRefusal(deal, actor) === null;
}

/** R3: a user may create deals only for locations in its scope. */
export function createRefusal(locationId: string, actor: Actor): Refusal | null {
  if (actor.kind === 'system') return null;
  if (actor.role === null) return refuse('NO_ROLE');
  if (!inScope(actor, locationId)) return refuse('LOCATION_OUT_OF_SCOPE', { location: locationId });
  return null;
}

export function adminRefusal(actor: Actor): Refusal | null {
  if (actor.kind === 'system') return null;
  if (actor.role === null) return refuse('NO_ROLE');
  return actor.role === 'admin' ? null : refuse('REQUIRES_ADMIN');
}

/**
 * The visibility rule as data, for stores that filter lists in SQL: null = sees everything.
 * `locations` limits by location; `teamOf` (when set) additionally requires team membership except for New deals.
 */
export interface VisibilityFilter {
  locations: string[] | null;
  teamMember: { id: string; email: string | null } | null;
}

export function visibilityFilter(actor: Actor): VisibilityFilter | 'none' {
  if (actor.kind === 'system') return { locations: null, teamMember: null };
  if (actor.role === null) return 'none';
  const locations = actor.scope.global ? null : actor.scope.locations;
  const teamMember = actor.role === 'admin' ? null : { id: actor.id, email: actor.email?.toLowerCase() ?? null };
  return { locations, teamMember };
}

// ---------------------------------------------------------------------------------------------------------------
// Administration (R1): who may change roles, scopes and locations.

/** Someone's role and scope as the rules see them. */
export interface RoleHolder {
  id: string;
  name: string;
  role: Role | null;
  scope: Scope;
}

/** A role to give (null = take the role away). */
export interface RoleGrant {
  role: Role | null;
  scope: Scope;
}

const isGlobalAdmin = (h: { role: Role | null; scope: Scope }) => h.role === 'admin' && h.scope.global;

/** A grant in canonical form: no role means no scope; global scope needs no location list. */
export function normalizeGrant(grant: RoleGrant): RoleGrant {
  if (grant.role === null) return { role: null, scope: { global: false, locations: [] } };
  if (grant.scope.global) return { role: grant.role, scope: { global: true, locations: [] } };
  return { role: grant.role, scope: { global: false, locations: [...new Set(grant.scope.locations)].sort() } };
}

/** A role typed without a scope gets the granting admin's own scope: never more than the admin has. */
export function defaultScopeFor(actor: Actor): Scope {
  if (actor.kind === 'system') return { global: true, locations: [] };
  return actor.scope.global ? { global: true, locations: [] } : { global: false, locations: [...actor.scope.locations] };
}

/**
 * May `actor` give `target` the role `grant`?
 * - Only admins change roles. A global admin may give any role and scope.
 * - An admin scoped to locations may change only people whose current scope lies within its own, and may grant
 *   either role only for its own locations (so it can make a colleague admin of Tokyo, never of Osaka or global).
 * - A role needs a scope: at least one location, or global.
 * - The last global admin keeps that role (else nobody could administer the company any more).
 */
export function roleChangeRefusal(actor: Actor, target: RoleHolder, rawGrant: RoleGrant, globalAdminCount: number): AdminRefusal | null {
  const grant = normalizeGrant(rawGrant);
  const notAdmin = adminRefusal(actor);
  if (notAdmin) return refuseAdmin(notAdmin.code, notAdmin.params);
  if (actor.kind !== 'system' && !actor.scope.global) {
    const beyond = target.scope.global || target.scope.locations.some((l) => !actor.scope.locations.includes(l));
    if (beyond) {
      const scope = target.scope.global ? '*' : target.scope.locations.join(', ');
      return refuseAdmin('TARGET_OUT_OF_SCOPE', { name: target.name, scope });
    }
    if (grant.scope.global) return refuseAdmin('GLOBAL_SCOPE_REQUIRES_GLOBAL_ADMIN');
    const outside = grant.scope.locations.find((l) => !actor.scope.locations.includes(l));
    if (outside) return refuseAdmin('LOCATION_OUT_OF_SCOPE', { location: outside });
  }
  if (grant.role !== null && !grant.scope.global && grant.scope.locations.length === 0) return refuseAdmin('SCOPE_EMPTY');
  if (isGlobalAdmin(target) && !isGlobalAdmin(grant) && globalAdminCount <= 1) {
    return refuseAdmin('LAST_GLOBAL_ADMIN', { name: target.name });
  }
  return null;
}

/** Locations are the company's structure: only a global admin adds, renames or removes them. */
export function locationChangeRefusal(actor: Actor): AdminRefusal | null {
  const notAdmin = adminRefusal(actor);
  if (notAdmin) return refuseAdmin(notAdmin.code, notAdmin.params);
  if (actor.kind !== 'system' && !actor.scope.global) return refuseAdmin('REQUIRES_GLOBAL_ADMIN');
  return null;
}

/** A location with deals stays (R8: a deal's location never changes); one still in someone's scope waits for them. */
export function locationRemovalRefusal(locationId: string, dealCount: number, scopedPeople: readonly string[]): AdminRefusal | null {
  if (dealCount > 0) return refuseAdmin('LOCATION_HAS_DEALS', { location: locationId, count: dealCount });
  if (scopedPeople.length > 0) return refuseAdmin('LOCATION_HAS_PEOPLE', { location: locationId, names: scopedPeople.join(', ') });
  return null;
}
