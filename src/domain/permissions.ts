import { inScope, type Actor, type PersonActor } from './actor';
import type { DealState } from './deal';
import { refuse, type Refusal } from './refusals';

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
