import type { PrismaClient } from '@prisma/client';

/** R14: the conversation each location's referrals are posted to, and whether that link still works. */

export interface RouteRecord {
  locationId: string;
  locationName: string;
  conversationId: string;
  conversationKind: string;
  linkedByName: string | null;
  broken: boolean;
  brokenAt: Date | null;
  updatedAt: Date;
}

export class RouteStore {
  constructor(private readonly prisma: PrismaClient) {}

  async get(locationId: string): Promise<{ conversationId: string; broken: boolean } | null> {
    return this.prisma.locationRoute.findUnique({ where: { locationId }, select: { conversationId: true, broken: true } });
  }

  async link(locationId: string, conversationId: string, by: { id: string; name: string }): Promise<void> {
    const data = { conversationId, linkedById: by.id, linkedByName: by.name, broken: false, brokenAt: null };
    await this.prisma.locationRoute.upsert({ where: { locationId }, create: { locationId, ...data }, update: data });
  }

  /** The bot was removed from that conversation: referrals go to the admins until someone links again. */
  async markBroken(locationId: string, at = new Date()): Promise<void> {
    await this.prisma.locationRoute.updateMany({ where: { locationId }, data: { broken: true, brokenAt: at } });
  }

  /** Routes of these locations (all with null), by location id. */
  async list(locationIds: readonly string[] | null = null): Promise<RouteRecord[]> {
    const rows = await this.prisma.locationRoute.findMany({
      where: locationIds ? { locationId: { in: [...locationIds] } } : {},
      include: { location: { select: { name: true } }, conversation: { select: { kind: true } } },
      orderBy: { locationId: 'asc' },
    });
    return rows.map((r) => ({
      locationId: r.locationId,
      locationName: r.location.name,
      conversationId: r.conversationId,
      conversationKind: r.conversation.kind,
      linkedByName: r.linkedByName,
      broken: r.broken,
      brokenAt: r.brokenAt,
      updatedAt: r.updatedAt,
    }));
  }
}
