import type { RoleGrant } from '../../src/domain';
import type { BotServices } from '../botServices';

/**
 * After someone's role or scope changes, the posted deal cards they could see (or now can) are re-sent with a new
 * refresh.userIds list, so Teams shows each viewer their current buttons — and drops the person from cards they
 * may no longer act on. An honest approximation rather than a census: the open deals with posted cards in the
 * locations of the old and new scope (all locations when either is global), newest first, at most this many per
 * change. Older cards still follow on their next update, and every click is checked on the server anyway (R4).
 */
export const REFRESH_DEAL_LIMIT = 50;

export async function refreshCardsAfterRoleChange(services: BotServices, before: RoleGrant, after: RoleGrant): Promise<number> {
  const everywhere = before.scope.global || after.scope.global;
  const locations = [...new Set([...before.scope.locations, ...after.scope.locations])];
  if (!everywhere && locations.length === 0) return 0;
  const deals = await services.db.prisma.deal.findMany({
    where: { status: { not: 'Closed' }, cardPosts: { some: {} }, ...(everywhere ? {} : { locationId: { in: locations } }) },
    orderBy: { updatedAt: 'desc' },
    take: REFRESH_DEAL_LIMIT,
    select: { id: true },
  });
  let updated = 0;
  for (const deal of deals) updated += await services.publisher.refreshCopies(deal.id);
  return updated;
}
