import { Prisma, type PrismaClient } from '@prisma/client';
import { STAGE_PERCENT, type Actor, type Stage } from '../domain';
import type { DealFilter, DealStore } from './dealStore';

/**
 * The pipeline: open deals the actor may see (R1–R3, the store's own visibility filter), grouped in SQL by sales stage
 * and currency, with count, total value and value weighted by the stage's percentage (R20/R21).
 * Amounts stay Decimal until shown, so totals are exact.
 */
export interface PipelineRow {
  stage: Stage;
  currency: string;
  count: number;
  total: Prisma.Decimal;
  weighted: Prisma.Decimal;
}

export interface Pipeline {
  rows: PipelineRow[];
  /** Per currency: all open deals. */
  totals: { currency: string; count: number; total: Prisma.Decimal; weighted: Prisma.Decimal }[];
}

/** Stages in the order a deal moves through them; both types' middle stages sort by percentage. */
const STAGE_ORDER: readonly Stage[] = [
  'created',
  'accepted',
  'secureCustomerLoe',
  'qualified',
  'collectData',
  'developed',
  'prepareAssessmentReport',
  'proposed',
  'presentToCustomer',
  'negotiated',
  'won',
  'lost',
];

export async function pipelineFor(prisma: PrismaClient, deals: DealStore, actor: Actor, filter: DealFilter = {}): Promise<Pipeline> {
  const visible = deals.whereFor(actor, filter);
  if (!visible) return { rows: [], totals: [] };
  const groups = await prisma.deal.groupBy({
    by: ['stage', 'currency'],
    where: { AND: [visible, { status: { in: ['New', 'Active'] } }] },
    _count: { _all: true },
    _sum: { value: true },
  });
  const rows: PipelineRow[] = groups.map((g) => {
    const total = new Prisma.Decimal(g._sum.value ?? 0);
    return {
      stage: g.stage,
      currency: g.currency,
      count: g._count._all,
      total,
      weighted: total.mul(STAGE_PERCENT[g.stage]).div(100),
    };
  });
  rows.sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage) || a.currency.localeCompare(b.currency));
  const byCurrency = new Map<string, Pipeline['totals'][number]>();
  for (const r of rows) {
    const t = byCurrency.get(r.currency) ?? { currency: r.currency, count: 0, total: new Prisma.Decimal(0), weighted: new Prisma.Decimal(0) };
    byCurrency.set(r.currency, { ...t, count: t.count + r.count, total: t.total.add(r.total), weighted: t.weighted.add(r.weighted) });
  }
  return { rows, totals: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
}

export interface RecentContact {
  name: string;
  email: string;
  phone: string;
}

/**
 * R9: people the user worked with on earlier deals (deals the user created, accepted or is on), newest first, one per
 * email, complete members only (name, phone and email are all required on a team).
 */
export async function recentContacts(
  prisma: PrismaClient,
  deals: DealStore,
  actor: Actor,
  opts: { exclude?: string[]; limit?: number } = {},
): Promise<RecentContact[]> {
  const mine = deals.whereFor(actor, { mine: true });
  if (!mine) return [];
  const exclude = new Set((opts.exclude ?? []).map((e) => e.toLowerCase()));
  if (actor.kind !== 'system' && actor.email) exclude.add(actor.email.toLowerCase());
  const rows = await prisma.dealTeamMember.findMany({
    where: { deal: mine, phone: { not: null } },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: 200,
  });
  const out: RecentContact[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const key = r.email.toLowerCase();
    if (seen.has(key) || exclude.has(key) || !r.phone) continue;
    seen.add(key);
    out.push({ name: r.name, email: r.email, phone: r.phone });
    if (out.length >= (opts.limit ?? 10)) break;
  }
  return out;
}
