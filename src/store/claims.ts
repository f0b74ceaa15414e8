import type { PrismaClient } from '@prisma/client';
import { isUniqueViolation } from './prismaErrors';

/**
 * "Exactly one of us does this": a claim on a key in the BotState table. The first claim wins; after `renewAfterMs`
 * the key may be claimed again (a greeting after a reinstall). Atomic across instances.
 */
export class ClaimStore {
  constructor(private readonly prisma: PrismaClient) {}

  async claim(key: string, renewAfterMs: number, now = new Date()): Promise<boolean> {
    const data = { claimedAt: now.toISOString() };
    try {
      await this.prisma.botState.create({ data: { id: key, data } });
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const { count } = await this.prisma.botState.updateMany({
      where: { id: key, updatedAt: { lt: new Date(now.getTime() - renewAfterMs) } },
      data: { data, etag: { increment: 1 } },
    });
    return count === 1;
  }
}
