import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { isUniqueViolation } from './prismaErrors';

/**
 * The tenant this installation serves when neither ALLOWED_TENANTS nor MicrosoftAppTenantId names one (issue 15):
 * the tenant of the first Referrals admin, recorded once in a BotState row (a unique key, so two first admins at the
 * same moment record one tenant) and never changed by the bot afterwards.
 */

export const TENANT_KEY = 'cosell/tenant';

const TenantSchema = z.object({ tenantId: z.string().min(1), recordedAt: z.string(), by: z.string() });

export class TenantStore {
  /** Once recorded, the tenant does not change: it is read from the database once per process. */
  private known: string | null = null;

  constructor(private readonly prisma: PrismaClient) {}

  async recorded(): Promise<string | null> {
    if (this.known) return this.known;
    const row = await this.prisma.botState.findUnique({ where: { id: TENANT_KEY } });
    const parsed = row ? TenantSchema.safeParse(row.data) : null;
    this.known = parsed?.success ? parsed.data.tenantId : null;
    return this.known;
  }

  /** Records the tenant of the first admin (`by`: their user id); the tenant recorded first wins. */
  async record(tenantId: string, by: string): Promise<string> {
    const existing = await this.recorded();
    if (existing) return existing;
    try {
      await this.prisma.botState.create({ data: { id: TENANT_KEY, data: { tenantId, recordedAt: new Date().toISOString(), by } } });
      this.known = tenantId;
      return tenantId;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      this.known = null;
      return (await this.recorded()) ?? tenantId;
    }
  }
}
