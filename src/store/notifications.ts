import type { PrismaClient } from '@prisma/client';

/**
 * R28: the sender notifications written with declines and expiries. A row is claimed for one attempt by a conditional
 * update (still pending, not leased, attempts unchanged), so of several instances exactly one sends each attempt;
 * only the holder of the lease records the outcome.
 */

export type NotificationStatus = 'pending' | 'delivered' | 'failed' | 'noEndpoint';

export interface DueNotification {
  id: string;
  dealId: string;
  kind: string;
  url: string | null;
  payload: unknown;
  attempts: number;
  nextAttemptAt: Date;
  /** The referral sender of the notification's deal (Deal.senderAccount): whose callback hosts apply. */
  senderAccount: string | null;
}

export interface Claim {
  id: string;
  lease: Date;
  /** The attempt this claim is (1 = first). */
  attempts: number;
}

export class NotificationStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Pending rows due at `now` (tests move it), not leased by the real clock; oldest first, from after `after`. */
  async due(now: Date, limit: number, after?: Pick<DueNotification, 'id' | 'nextAttemptAt'>): Promise<DueNotification[]> {
    const clock = new Date();
    const rows = await this.prisma.notification.findMany({
      where: {
        status: 'pending',
        nextAttemptAt: { lte: now },
        AND: [
          { OR: [{ lockedUntil: null }, { lockedUntil: { lte: clock } }] },
          after ? { OR: [{ nextAttemptAt: { gt: after.nextAttemptAt } }, { nextAttemptAt: after.nextAttemptAt, id: { gt: after.id } }] } : {},
        ],
      },
      orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, dealId: true, kind: true, url: true, payload: true, attempts: true, nextAttemptAt: true, deal: { select: { senderAccount: true } } },
    });
    return rows.map(({ deal, ...row }) => ({ ...row, senderAccount: deal.senderAccount }));
  }

  /** Claims one attempt of the row; null when another instance has it. */
  async claim(row: DueNotification, leaseMs: number): Promise<Claim | null> {
    const clock = new Date();
    const lease = new Date(clock.getTime() + leaseMs);
    const claimed = await this.prisma.notification.updateMany({
      where: { id: row.id, status: 'pending', attempts: row.attempts, OR: [{ lockedUntil: null }, { lockedUntil: { lte: clock } }] },
      data: { lockedUntil: lease, attempts: { increment: 1 } },
    });
    return claimed.count === 1 ? { id: row.id, lease, attempts: row.attempts + 1 } : null;
  }

  async delivered(claim: Claim): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { id: claim.id, lockedUntil: claim.lease },
      data: { status: 'delivered', deliveredAt: new Date(), lockedUntil: null, lastError: null },
    });
  }

  async retryAt(claim: Claim, nextAttemptAt: Date, error: string): Promise<void> {
    await this.prisma.notification.updateMany({ where: { id: claim.id, lockedUntil: claim.lease }, data: { nextAttemptAt, lockedUntil: null, lastError: error } });
  }

  async failed(claim: Claim, error: string): Promise<void> {
    await this.prisma.notification.updateMany({ where: { id: claim.id, lockedUntil: claim.lease }, data: { status: 'failed', lockedUntil: null, lastError: error } });
  }

  /** Notifications by status, newest first (GET /api/notifications); one sender's only when `senderAccount` is given. */
  list(status?: NotificationStatus, limit = 100, senderAccount?: string) {
    return this.prisma.notification.findMany({
      where: { ...(status ? { status } : {}), ...(senderAccount !== undefined ? { deal: { senderAccount } } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: limit,
      select: {
        id: true,
        dealId: true,
        kind: true,
        url: true,
        status: true,
        attempts: true,
        nextAttemptAt: true,
        lastError: true,
        createdAt: true,
        deliveredAt: true,
        payload: true,
      },
    });
  }

  /** Puts a failed notification back in the queue with fresh attempts. False when there is no such failed row. */
  async retry(id: string, now = new Date()): Promise<boolean> {
    const updated = await this.prisma.notification.updateMany({
      where: { id, status: 'failed' },
      data: { status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null },
    });
    return updated.count === 1;
  }
}
