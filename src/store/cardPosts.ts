import type { PrismaClient } from '@prisma/client';
import { sqlOf } from './sql';

/**
 * Every posted copy of a deal's card, and the deal version each one shows. A refresh brings only the copies that are
 * behind up to date, and records each as it succeeds: a retried refresh never sends a copy the same version twice.
 */

export interface CardCopy {
  id: string;
  dealId: string;
  conversationId: string;
  activityId: string;
  shownVersion: number;
}

export class CardPostStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Records a copy (posted proactively or as a reply) showing `version`; a known copy keeps its row — moved to this
   * deal when the message now shows another one (a list's one deal card, issue 14).
   */
  async track(dealId: string, conversationId: string, activityId: string, version: number): Promise<void> {
    if (!activityId) return;
    await this.prisma.cardPost.upsert({
      where: { conversationId_activityId: { conversationId, activityId } },
      create: { dealId, conversationId, activityId, shownVersion: version },
      update: { dealId, shownVersion: version },
    });
  }

  /** Whether the deal's card was posted in this conversation (its members already see the read-only card). */
  async postedIn(dealId: string, conversationId: string): Promise<boolean> {
    return (await this.prisma.cardPost.count({ where: { dealId, conversationId } })) > 0;
  }

  async countFor(dealId: string): Promise<number> {
    return this.prisma.cardPost.count({ where: { dealId } });
  }

  /** Copies behind `version` (all copies with `all`, e.g. after a role change changed who gets buttons). */
  async behind(dealId: string, version: number, all = false): Promise<CardCopy[]> {
    // After every click (issue 16): a prepared statement on the thin SQL path.
    return sqlOf(this.prisma).query<CardCopy>(
      `SELECT id, "dealId", "conversationId", "activityId", "shownVersion" FROM "CardPost"
       WHERE "dealId" = $1 AND ($3 OR "shownVersion" < $2) ORDER BY "createdAt", id`,
      [dealId, version, all],
    );
  }

  /** The copy now shows `version` (never moves a copy back). */
  async shown(copyId: string, version: number): Promise<void> {
    await this.prisma.cardPost.updateMany({ where: { id: copyId, shownVersion: { lte: version } }, data: { shownVersion: version } });
  }

  /** Open deals with posted cards in these locations (all locations when `locationIds` is null), newest change first. */
  async openDealsWithCopies(locationIds: readonly string[] | null, limit: number): Promise<string[]> {
    const deals = await this.prisma.deal.findMany({
      where: { status: { not: 'Closed' }, cardPosts: { some: {} }, ...(locationIds ? { locationId: { in: [...locationIds] } } : {}) },
      orderBy: { updatedAt: 'desc' },
      take: limit,
      select: { id: true },
    });
    return deals.map((d) => d.id);
  }
}
