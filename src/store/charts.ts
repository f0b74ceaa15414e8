import type { PrismaClient } from '@prisma/client';
import type { ChartSpec } from '../domain';

/** Issue 17: the charts of insights cards, kept until their links expire (ChartImage). */
export class ChartStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Saves the charts and returns their ids, in order; charts past their time are deleted on the way. */
  async save(specs: ChartSpec[], expiresAt: Date, now = new Date()): Promise<string[]> {
    await this.prisma.chartImage.deleteMany({ where: { expiresAt: { lt: now } } });
    const rows = await this.prisma.$transaction(specs.map((spec) => this.prisma.chartImage.create({ data: { spec: spec as object, expiresAt }, select: { id: true } })));
    return rows.map((r) => r.id);
  }

  /** A chart that has not expired, or null. */
  async get(id: string, now = new Date()): Promise<ChartSpec | null> {
    const row = await this.prisma.chartImage.findFirst({ where: { id, expiresAt: { gt: now } } });
    return row ? (row.spec as unknown as ChartSpec) : null;
  }
}
