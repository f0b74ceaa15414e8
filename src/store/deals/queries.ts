import { Prisma, type PrismaClient } from '@prisma/client';
import {
  STAGE_PERCENT,
  accessRefusal,
  fail,
  ok,
  refuse,
  visibilityFilter,
  type Actor,
  type AuditEntry,
  type DealFilter,
  type DealRecord,
  type LocationDigest,
  type Insights,
  type NoteEntry,
  type Page,
  type Pipeline,
  type RecentContact,
  type Result,
  type Stage,
  calendarDaysBetween,
  dayIn,
  defaultZoneFor,
} from '../../domain';
import { escapeLike } from '../like';
import { readInsights } from './insights';
import { recordInclude, toNoteEntry, toRecord } from './mapping';
import { sqlOf } from '../sql';
import { readListPage } from './listSql';
import { readRecordRow } from './recordSql';

/**
 * Reads deals for whoever may see them (R1–R3 in SQL, the same visibility rule as permissions.ts): one deal, keyset
 * pages of lists, the pipeline, the note and audit histories, recent contacts. Only src/services/dealQueries.ts
 * calls this.
 */
export class DealReader {
  constructor(private readonly prisma: PrismaClient) {}

  /** A deal the actor may see, or NOT_FOUND (an invisible deal is indistinguishable from a missing one). */
  async get(id: string, actor: Actor): Promise<Result<DealRecord>> {
    const row = await readRecordRow(sqlOf(this.prisma), id);
    if (!row) return fail(refuse('NOT_FOUND'));
    const record = toRecord(row);
    return accessRefusal(record, actor) ? fail(refuse('NOT_FOUND')) : ok(record);
  }

  /** Deals the actor may see, newest first, with keyset paging on the deal number (stable under inserts). */
  async list(actor: Actor, filter: DealFilter = {}, page: { limit?: number; cursor?: string } = {}): Promise<Page<DealRecord>> {
    const limit = Math.min(Math.max(page.limit ?? 20, 1), 100);
    // One prepared statement for the page and what its cards need (issue 16: the filter went through Prisma's query
    // compiler and the name search scanned every deal); one deal more than the page says whether another follows.
    const rows = await readListPage(sqlOf(this.prisma), actor, filter, limit + 1, decodeCursor(page.cursor));
    const items = rows.slice(0, limit).map(toRecord);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, next: encodeCursor(last.number) } : { items };
  }

  /** Note history, oldest first (R8: visible to the team). */
  async notes(dealId: string): Promise<NoteEntry[]> {
    const rows = await this.prisma.dealNote.findMany({ where: { dealId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toNoteEntry);
  }

  /** The audit timeline of a deal, oldest first. */
  async history(dealId: string): Promise<AuditEntry[]> {
    const rows = await this.prisma.auditEvent.findMany({ where: { dealId }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ type: r.type, actorName: r.actorName, createdAt: r.createdAt, data: r.data }));
  }

  /**
   * The pipeline: open deals the actor may see, grouped in SQL by stage and currency, with count, total value and
   * value weighted by the stage's percentage (R20/R21). Amounts stay exact decimals until shown.
   */
  async pipeline(actor: Actor, filter: DealFilter = {}): Promise<Pipeline> {
    const visible = whereFor(actor, filter);
    if (!visible) return { rows: [], totals: [] };
    const groups = await this.prisma.deal.groupBy({
      by: ['stage', 'currency'],
      where: { AND: [visible, { status: { in: ['New', 'Active'] } }] },
      _count: { _all: true },
      _sum: { value: true },
    });
    const rows = groups
      .map((g) => {
        const total = new Prisma.Decimal(g._sum.value ?? 0);
        return { stage: g.stage, currency: g.currency, count: g._count._all, total, weighted: total.mul(STAGE_PERCENT[g.stage]).div(100) };
      })
      .sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage) || a.currency.localeCompare(b.currency));
    const byCurrency = new Map<string, { currency: string; count: number; total: Prisma.Decimal; weighted: Prisma.Decimal }>();
    for (const r of rows) {
      const t = byCurrency.get(r.currency) ?? { currency: r.currency, count: 0, total: new Prisma.Decimal(0), weighted: new Prisma.Decimal(0) };
      byCurrency.set(r.currency, { currency: r.currency, count: t.count + r.count, total: t.total.add(r.total), weighted: t.weighted.add(r.weighted) });
    }
    const text = (d: Prisma.Decimal) => d.toFixed(2);
    return {
      rows: rows.map((r) => ({ ...r, total: text(r.total), weighted: text(r.weighted) })),
      totals: [...byCurrency.values()]
        .sort((a, b) => a.currency.localeCompare(b.currency))
        .map((t) => ({ ...t, total: text(t.total), weighted: text(t.weighted) })),
    };
  }

  /**
   * Issue 17: what needs attention in one location at `now` (its local day in its own zone): referrals waiting for an
   * answer, active deals past their close date, active deals whose stage has not changed since `staleBefore`,
   * registrations waiting for review, Partner Center sync failures. At most `limit` of each, with the totals.
   */
  async digest(locationId: string, opts: { now: Date; staleDays: number; limit: number }): Promise<LocationDigest | null> {
    const location = await this.prisma.location.findUnique({ where: { id: locationId }, select: { id: true, name: true, country: true, timeZone: true } });
    if (!location) return null;
    const zone = location.timeZone ?? defaultZoneFor(location.country);
    const { now, limit } = opts;
    const day = dayIn(now, zone);
    const staleBefore = new Date(now.getTime() - opts.staleDays * 86_400_000);
    const here = { locationId };
    const waiting: Prisma.DealWhereInput = { ...here, direction: 'inbound', status: 'New', OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
    const overdue: Prisma.DealWhereInput = { ...here, status: 'Active', closeDate: { lt: new Date(`${day}T00:00:00Z`) } };
    const review: Prisma.DealWhereInput = { ...here, registration: { status: 'PendingReview' } };
    const failed: Prisma.DealWhereInput = { ...here, pcState: 'failed' };
    const records = (where: Prisma.DealWhereInput, orderBy: Prisma.DealOrderByWithRelationInput[]) =>
      this.prisma.deal.findMany({ where, include: recordInclude, orderBy, take: limit, relationLoadStrategy: 'query' }).then((rows) => rows.map(toRecord));
    // The last stage change: the newest stage event, else acceptance, else creation. Overdue deals are listed as such.
    const staleRows = await this.prisma.$queryRaw<{ id: string; since: Date; total: bigint }[]>`
      SELECT s.id, s.since, COUNT(*) OVER () AS total FROM (
        SELECT d.id, GREATEST(d."createdAt", COALESCE(d."acceptedAt", d."createdAt"), COALESCE(MAX(a."createdAt"), d."createdAt")) AS since
        FROM "Deal" d
        LEFT JOIN "AuditEvent" a ON a."dealId" = d.id AND a.type IN ('StageCompleted', 'StageSet')
        WHERE d."locationId" = ${locationId} AND d.status = 'Active' AND d."closeDate" >= ${day}::date
        GROUP BY d.id
      ) s
      WHERE s.since < ${staleBefore}
      ORDER BY s.since ASC, s.id ASC
      LIMIT ${limit}`;
    const staleDeals = new Map((await records({ id: { in: staleRows.map((r) => r.id) } }, [])).map((d) => [d.id, d]));
    const [referrals, referralsTotal, overdueDeals, overdueTotal, registrations, registrationsTotal, syncFailures, syncFailuresTotal] = await Promise.all([
      records(waiting, [{ expiresAt: { sort: 'asc', nulls: 'last' } }, { number: 'asc' }]),
      this.prisma.deal.count({ where: waiting }),
      records(overdue, [{ closeDate: 'asc' }, { number: 'asc' }]),
      this.prisma.deal.count({ where: overdue }),
      records(review, [{ registration: { submittedAt: 'asc' } }]),
      this.prisma.deal.count({ where: review }),
      records(failed, [{ updatedAt: 'asc' }]),
      this.prisma.deal.count({ where: failed }),
    ]);
    return {
      locationId: location.id,
      locationName: location.name,
      timeZone: zone,
      day,
      referrals: {
        items: referrals.map((deal) => ({ deal, daysLeft: deal.expiresAt ? Math.max(0, calendarDaysBetween(now, deal.expiresAt, zone)) : 0 })),
        total: referralsTotal,
      },
      overdue: { items: overdueDeals, total: overdueTotal },
      stale: {
        items: staleRows.flatMap((r) => {
          const deal = staleDeals.get(r.id);
          return deal ? [{ deal, since: new Date(r.since) }] : [];
        }),
        total: Number(staleRows[0]?.total ?? 0),
      },
      registrations: { items: registrations, total: registrationsTotal },
      syncFailures: { items: syncFailures, total: syncFailuresTotal },
    };
  }

  /**
   * Issue 17: every deal the actor may see with the filter (the export), newest first, read in pages of `pageSize`;
   * at most `max` (the caller says when there were more).
   */
  async all(actor: Actor, filter: DealFilter, max: number, pageSize = 500): Promise<{ items: DealRecord[]; more: boolean }> {
    const where = whereFor(actor, filter);
    if (!where) return { items: [], more: false };
    const items: DealRecord[] = [];
    let before: number | undefined;
    for (;;) {
      const rows = await this.prisma.deal.findMany({
        where: before === undefined ? where : { AND: [where, { number: { lt: before } }] },
        include: recordInclude,
        orderBy: { number: 'desc' },
        take: Math.min(pageSize, max + 1 - items.length),
        relationLoadStrategy: 'query',
      });
      items.push(...rows.map(toRecord));
      if (items.length > max) return { items: items.slice(0, max), more: true };
      if (rows.length < pageSize) return { items, more: false };
      before = items[items.length - 1]!.number;
    }
  }

  /** Issue 17: the insights card's numbers for what the actor may see (null: nothing, e.g. no role). */
  async insights(actor: Actor, filter: DealFilter = {}, now = new Date()): Promise<Insights | null> {
    const visible = whereFor(actor, filter);
    return visible ? readInsights(this.prisma, visible, now) : null;
  }

  /** The phone the person gave for themself on their latest team entry (so forms need not ask again), if any. */
  async ownPhone(actor: Actor): Promise<string | null> {
    if (actor.kind === 'system') return null;
    const row = await this.prisma.dealTeamMember.findFirst({
      where: { phone: { not: null }, OR: [{ userId: actor.id }, ...(actor.email ? [{ email: { equals: actor.email, mode: 'insensitive' as const } }] : [])] },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      select: { phone: true },
    });
    return row?.phone ?? null;
  }

  /**
   * R9: people the user worked with on earlier deals (deals the user created, accepted or is on), newest first, one
   * per email, complete members only (name, phone and email are all required on a team).
   */
  async recentContacts(actor: Actor, opts: { exclude?: string[]; limit?: number } = {}): Promise<RecentContact[]> {
    const mine = whereFor(actor, { mine: true });
    if (!mine) return [];
    const exclude = new Set((opts.exclude ?? []).map((e) => e.toLowerCase()));
    if (actor.kind !== 'system' && actor.email) exclude.add(actor.email.toLowerCase());
    const rows = await this.prisma.dealTeamMember.findMany({
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
      out.push({ name: r.name, email: r.email, phone: r.phone, userId: r.userId });
      if (out.length >= (opts.limit ?? 10)) break;
    }
    return out;
  }
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

/**
 * Deals a person created, accepted or is on the team of (by user id, or by email for members added by address). The
 * email is matched case-insensitively through the lower-cased, indexed `emailKey` (an ILIKE scanned the whole team
 * table in every query, and read `_` in an address as a wildcard).
 */
function worksOn(member: { id: string; email: string | null }): Prisma.DealWhereInput[] {
  const onTeam: Prisma.DealWhereInput[] = [{ createdById: member.id }, { acceptedById: member.id }, { team: { some: { userId: member.id } } }];
  if (member.email) onTeam.push({ team: { some: { emailKey: member.email.toLowerCase() } } });
  return onTeam;
}

/** The Prisma filter for "what this actor may see", combined with the caller's filters. Null = nothing. */
export function whereFor(actor: Actor, filter: DealFilter = {}): Prisma.DealWhereInput | null {
  const visibility = visibilityFilter(actor);
  if (visibility === 'none') return null;
  const and: Prisma.DealWhereInput[] = [];
  if (visibility.locations) and.push({ locationId: { in: visibility.locations } });
  const member = visibility.teamMember ?? (filter.mine && actor.kind !== 'system' ? { id: actor.id, email: actor.email?.toLowerCase() ?? null } : null);
  if (member) {
    const onTeam = worksOn(member);
    // R3 with the New-referral rule of permissions.ts: an unanswered referral is visible to its location's users.
    and.push(visibility.teamMember && !filter.mine ? { OR: [{ status: 'New' }, ...onTeam] } : { OR: onTeam });
  }
  // No one named matches no deal (Prisma reads an empty OR as no condition at all).
  if (filter.people) and.push(filter.people.length ? { OR: filter.people.flatMap(worksOn) } : { id: { in: [] } });
  if (filter.direction) and.push({ direction: filter.direction });
  if (filter.type) and.push({ type: filter.type });
  if (filter.status) and.push({ status: filter.status });
  if (filter.substatus) and.push({ substatus: filter.substatus });
  if (filter.stage) and.push({ stage: filter.stage });
  if (filter.locationId) and.push({ locationId: filter.locationId });
  if (filter.stages) and.push({ stage: { in: filter.stages } });
  if (filter.locationIds) and.push({ locationId: { in: filter.locationIds } });
  if (filter.updatedSince) and.push({ updatedAt: { gte: filter.updatedSince } });
  if (filter.q) {
    // `%` and `_` in what was typed are literal characters, not wildcards.
    const q = escapeLike(filter.q);
    and.push({
      OR: [{ name: { contains: q, mode: 'insensitive' } }, { customer: { name: { contains: q, mode: 'insensitive' } } }],
    });
  }
  return and.length ? { AND: and } : {};
}

function encodeCursor(n: number): string {
  return Buffer.from(`n:${n}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const m = /^n:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : undefined;
}
