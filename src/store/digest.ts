import type { PrismaClient } from '@prisma/client';
import { writeJobs, type JobSpec } from './jobs';

/**
 * Issue 17: the record of each location's daily digest, keyed by location and local date. The record and the job
 * that posts the digest are written in one transaction, and the record is the primary key: however many instances
 * look at the same moment, and however often the process restarts that day, one of them takes the day and the others
 * find it taken. The job (run by the worker) marks the record posted, so a retry after a crash does not post twice.
 */
export class DigestStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Of these location days, the ones already taken (a cheap look before trying to take one). */
  async taken(days: readonly { locationId: string; day: string }[]): Promise<Set<string>> {
    if (!days.length) return new Set();
    const rows = await this.prisma.digestRun.findMany({ where: { OR: days.map((d) => ({ locationId: d.locationId, day: d.day })) }, select: { locationId: true, day: true } });
    return new Set(rows.map((r) => `${r.locationId}|${r.day}`));
  }

  /** Takes the location's day and writes the job that posts its digest, together; false when the day was taken. */
  async take(locationId: string, day: string, job: JobSpec): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`INSERT INTO "DigestRun" ("locationId", "day") VALUES (${locationId}, ${day}) ON CONFLICT DO NOTHING`;
      if (inserted !== 1) return false;
      await writeJobs(tx, [job]);
      return true;
    });
  }

  async isPosted(locationId: string, day: string): Promise<boolean> {
    const row = await this.prisma.digestRun.findUnique({ where: { locationId_day: { locationId, day } }, select: { postedAt: true } });
    return !!row?.postedAt;
  }

  async markPosted(locationId: string, day: string, at = new Date()): Promise<void> {
    await this.prisma.digestRun.updateMany({ where: { locationId, day }, data: { postedAt: at } });
  }
}
