import { Prisma } from '@prisma/client';
import type { SyncUpdate } from '../../domain';

type Json = Prisma.InputJsonValue | typeof Prisma.DbNull;

export interface SyncColumns {
  pcReferralId?: string | null;
  pcEngagementId?: string | null;
  pcETag?: string | null;
  pcUpdatedAt?: Date | null;
  pcBase?: Json;
  pcState?: string | null;
  pcNotice?: Json;
}

const json = (v: unknown): Json => (v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue));

/** A sync update (issue 13) as the deal's Partner Center columns; what is undefined is not written. */
export function syncColumns(update: SyncUpdate): SyncColumns {
  const { link, state, notice } = update;
  const columns: SyncColumns = {};
  if (link?.referralId !== undefined) columns.pcReferralId = link.referralId;
  if (link?.engagementId !== undefined) columns.pcEngagementId = link.engagementId;
  if (link?.eTag !== undefined) columns.pcETag = link.eTag;
  if (link?.updatedAt !== undefined) columns.pcUpdatedAt = link.updatedAt;
  if (link?.base !== undefined) columns.pcBase = json(link.base);
  if (state !== undefined) columns.pcState = state;
  if (notice !== undefined) columns.pcNotice = json(notice);
  return columns;
}
