import type { PrismaClient } from '@prisma/client';
import { sqlOf } from './sql';

/** The Teams conversations the bot may post to proactively, each with the reference the Bot Framework needs. */

export interface ConversationData {
  /** personal | groupChat | channel */
  kind: string;
  tenantId: string | null;
  /** The person of a personal chat. */
  userAadObjectId: string | null;
  /** The Bot Framework conversation reference, as stored JSON. */
  reference: Record<string, unknown>;
}

export interface StoredConversation extends ConversationData {
  id: string;
}

const REMEMBER = `INSERT INTO "ConversationRef" (id, kind, "tenantId", "userAadObjectId", reference, "createdAt", "updatedAt")
  VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamp, $6::timestamp)
  ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, "tenantId" = EXCLUDED."tenantId", "userAadObjectId" = EXCLUDED."userAadObjectId",
    reference = EXCLUDED.reference, "updatedAt" = EXCLUDED."updatedAt"
  WHERE ("ConversationRef".kind, "ConversationRef"."tenantId", "ConversationRef"."userAadObjectId", "ConversationRef".reference)
    IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED."tenantId", EXCLUDED."userAadObjectId", EXCLUDED.reference)
  RETURNING (xmax = 0) AS inserted`;

export class ConversationStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Saves a conversation; true when the bot did not know it before (someone just became reachable). One statement,
   * and no write at all when nothing changed (issue 16: most turns are in a known conversation).
   */
  async remember(id: string, data: ConversationData): Promise<boolean> {
    const rows = await sqlOf(this.prisma).query<{ inserted: boolean }>(REMEMBER, [id, data.kind, data.tenantId, data.userAadObjectId, JSON.stringify(data.reference), new Date()]);
    return rows[0]?.inserted === true;
  }

  async get(id: string): Promise<StoredConversation | null> {
    const row = await this.prisma.conversationRef.findUnique({ where: { id } });
    return row ? { id: row.id, kind: row.kind, tenantId: row.tenantId, userAadObjectId: row.userAadObjectId, reference: row.reference as Record<string, unknown> } : null;
  }

  /** Several at once (a refresh renders each copy in its conversation's language). */
  async many(ids: readonly string[]): Promise<Map<string, StoredConversation>> {
    if (!ids.length) return new Map();
    const rows = await this.prisma.conversationRef.findMany({ where: { id: { in: [...new Set(ids)] } } });
    return new Map(
      rows.map((r) => [r.id, { id: r.id, kind: r.kind, tenantId: r.tenantId, userAadObjectId: r.userAadObjectId, reference: r.reference as Record<string, unknown> }]),
    );
  }

  /** The latest personal chat of each of these people. */
  async personalChatsOf(aadObjectIds: readonly string[]): Promise<string[]> {
    if (!aadObjectIds.length) return [];
    const refs = await this.prisma.conversationRef.findMany({
      where: { kind: 'personal', userAadObjectId: { in: [...aadObjectIds] } },
      orderBy: { updatedAt: 'desc' },
      select: { id: true, userAadObjectId: true },
    });
    const seen = new Set<string>();
    return refs.filter((r) => !seen.has(r.userAadObjectId as string) && seen.add(r.userAadObjectId as string)).map((r) => r.id);
  }
}
