import type { RoleGrant } from '../domain';
import { refreshCards } from './followUps';
import type { Services } from './services';

/**
 * After someone's role or scope changes, the posted deal cards they could see (or now can) are re-sent with a new
 * refresh.userIds list, so Teams shows each viewer their current buttons — and drops the person from cards they
 * may no longer act on. An honest approximation rather than a census: the open deals with posted cards in the
 * locations of the old and new scope (all locations when either is global), newest first, at most this many per
 * change. Older cards still follow on their next update, and every click is checked on the server anyway (R4).
 */
export const REFRESH_DEAL_LIMIT = 50;

export async function refreshCardsAfterRoleChange(
  services: Pick<Services, 'cardPosts' | 'jobStore' | 'jobs'>,
  before: RoleGrant,
  after: RoleGrant,
): Promise<number> {
  const everywhere = before.scope.global || after.scope.global;
  const locations = [...new Set([...before.scope.locations, ...after.scope.locations])];
  if (!everywhere && locations.length === 0) return 0;
  const dealIds = await services.cardPosts.openDealsWithCopies(everywhere ? null : locations, REFRESH_DEAL_LIMIT);
  // The deals did not change, so the copies are not behind: every copy is re-sent.
  await services.jobStore.enqueue(dealIds.map((id) => refreshCards({ id, version: 0 }, true)));
  if (dealIds.length) services.jobs.kick();
  return dealIds.length;
}
