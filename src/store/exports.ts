import type { Prisma, PrismaClient } from '@prisma/client';
import type { DealFilter, PersonActor } from '../domain';

/** Issue 17: export requests (what a person asked to export) and the audit of every file delivered from one. */

export interface ExportRequest {
  id: string;
  userId: string;
  userName: string;
  filter: DealFilter;
  filterText: string;
  locale: 'ja' | 'en';
  createdAt: Date;
  expiresAt: Date;
}

export interface ExportDelivery {
  format: 'xlsx' | 'csv';
  /** How the file left: uploaded after the file consent card, or downloaded with a signed link. */
  via: 'fileConsent' | 'link';
  rows: number;
  /** The deals' numbers (the first 1,000). */
  numbers: number[];
  numbersTruncated?: boolean;
}

export class ExportStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: Omit<ExportRequest, 'id' | 'createdAt'>): Promise<ExportRequest> {
    const row = await this.prisma.dealExport.create({
      data: { ...input, filter: input.filter as unknown as Prisma.InputJsonValue },
    });
    return toRequest(row);
  }

  async get(id: string): Promise<ExportRequest | null> {
    const row = await this.prisma.dealExport.findUnique({ where: { id } });
    return row ? toRequest(row) : null;
  }

  /** Who exported what, when, how, and how many deals: one audit event (no deal of its own). */
  async recordDelivery(request: ExportRequest, actor: PersonActor, delivery: ExportDelivery, at = new Date()): Promise<void> {
    await this.prisma.auditEvent.create({
      data: {
        dealId: null,
        actorId: actor.id,
        actorName: actor.name,
        type: 'DealsExported',
        data: { exportId: request.id, ...delivery, filter: request.filterText } as Prisma.InputJsonValue,
        createdAt: at,
      },
    });
  }

  /** The audit of exports, newest first (admins, tests). */
  async deliveries(limit = 50): Promise<{ actorName: string; actorId: string | null; createdAt: Date; data: unknown }[]> {
    return this.prisma.auditEvent.findMany({
      // An export belongs to no deal: the (dealId, id) index finds these without reading every deal's events.
      where: { type: 'DealsExported', dealId: null },
      orderBy: { id: 'desc' },
      take: limit,
      select: { actorName: true, actorId: true, createdAt: true, data: true },
    });
  }
}

function toRequest(row: { id: string; userId: string; userName: string; filter: Prisma.JsonValue; filterText: string; locale: string; createdAt: Date; expiresAt: Date }): ExportRequest {
  const filter = (row.filter ?? {}) as DealFilter;
  return { ...row, filter, locale: row.locale === 'ja' ? 'ja' : 'en' };
}
