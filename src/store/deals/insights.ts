import { Prisma, type PrismaClient } from '@prisma/client';
import {
  CloseReasonSchema,
  STAGE_PERCENT,
  insightWindow,
  median,
  winRateOf,
  type CloseReason,
  type InsightPipelineRow,
  type Insights,
} from '../../domain';

const HOUR_MS = 3_600_000;

/**
 * The numbers of the insights card (definitions in src/domain/insights.ts), for the deals `visible` names (the caller's
 * `whereFor`: the same visibility as every list), in five queries run side by side. Counts and sums are grouped in SQL; only the
 * two medians read rows, and only the window's (a date-bounded index range).
 */
export async function readInsights(prisma: PrismaClient, visible: Prisma.DealWhereInput, now: Date): Promise<Insights> {
  const { since, until } = insightWindow(now);
  const within = { gte: since, lte: until };
  const scoped = (...and: Prisma.DealWhereInput[]): Prisma.DealWhereInput => ({ AND: [visible, ...and] });
  const [open, funnel, acceptedRows, wonRows, outcomes] = await Promise.all([
    prisma.deal.groupBy({
      by: ['type', 'status', 'stage', 'currency'],
      where: scoped({ status: { in: ['New', 'Active'] } }),
      _count: { _all: true },
      _sum: { value: true },
    }),
    // Per substatus: all received, and those with an acceptance time (counting a column counts its non-nulls).
    prisma.deal.groupBy({
      by: ['substatus'],
      where: scoped({ direction: 'inbound', receivedAt: within }),
      _count: { _all: true, acceptedAt: true },
    }),
    prisma.deal.findMany({
      where: scoped({ acceptedAt: within, receivedAt: { not: null } }),
      select: { receivedAt: true, acceptedAt: true },
    }),
    prisma.deal.findMany({
      where: scoped({ status: 'Closed', substatus: 'Won', closedAt: within }),
      select: { receivedAt: true, createdAt: true, closedAt: true },
    }),
    prisma.deal.groupBy({
      by: ['substatus', 'closeReason'],
      where: scoped({ status: 'Closed', closedAt: within }),
      _count: { _all: true },
    }),
  ]);

  const pipeline: InsightPipelineRow[] = open.map((g) => {
    const total = new Prisma.Decimal(g._sum.value ?? 0);
    return {
      type: g.type,
      stage: g.status === 'New' ? 'received' : g.stage,
      currency: g.currency,
      count: g._count._all,
      total: total.toFixed(2),
      weighted: total.mul(STAGE_PERCENT[g.stage]).div(100).toFixed(2),
    };
  });
  const hours = (from: Date, to: Date) => (to.getTime() - from.getTime()) / HOUR_MS;
  const toAccept = acceptedRows.map((r) => hours(r.receivedAt!, r.acceptedAt!));
  const toWin = wonRows.map((r) => hours(r.receivedAt ?? r.createdAt, r.closedAt!));
  const count = (substatus: string) => outcomes.filter((o) => o.substatus === substatus).reduce((n, o) => n + o._count._all, 0);
  const won = count('Won');
  const lost = count('Lost');
  const byReason = new Map<CloseReason, number>();
  for (const o of outcomes) {
    if (o.substatus !== 'Declined') continue;
    const reason = CloseReasonSchema.safeParse(o.closeReason);
    const key: CloseReason = reason.success ? reason.data : 'other';
    byReason.set(key, (byReason.get(key) ?? 0) + o._count._all);
  }
  return {
    since,
    until,
    pipeline: mergeRows(pipeline),
    funnel: {
      received: funnel.reduce((n, g) => n + g._count._all, 0),
      accepted: funnel.reduce((n, g) => n + g._count.acceptedAt, 0),
      won: funnel.filter((g) => g.substatus === 'Won').reduce((n, g) => n + g._count.acceptedAt, 0),
    },
    timeToAccept: { medianHours: median(toAccept), count: toAccept.length },
    timeToWin: { medianHours: median(toWin), count: toWin.length },
    outcomes: { won, lost },
    winRate: winRateOf({ won, lost }),
    declines: [...byReason].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    expired: count('Expired'),
  };
}

/** New referrals of different stored stages are all "received": one row per type, stage and currency. */
function mergeRows(rows: InsightPipelineRow[]): InsightPipelineRow[] {
  const out = new Map<string, InsightPipelineRow>();
  for (const r of rows) {
    const key = `${r.type}/${r.stage}/${r.currency}`;
    const seen = out.get(key);
    out.set(
      key,
      seen
        ? {
            ...seen,
            count: seen.count + r.count,
            total: new Prisma.Decimal(seen.total).add(r.total).toFixed(2),
            weighted: new Prisma.Decimal(seen.weighted).add(r.weighted).toFixed(2),
          }
        : r,
    );
  }
  return [...out.values()];
}
