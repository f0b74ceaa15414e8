import { visibilityFilter, type Actor, type DealFilter } from '../../domain';
import { escapeLike } from '../like';
import type { SqlRunner } from '../sql';
import type { RecordRow } from './mapping';
import { RECORD_COLUMNS, toRow } from './recordSql';

/**
 * A list page in one prepared statement (issue 16): who may see what (R1–R3, `visibilityFilter` of
 * src/domain/permissions.ts) and the list filters as SQL, the page's deals with what their cards need. The same
 * rule as `whereFor` (queries.ts), which the pipeline, insights and export still read through Prisma;
 * tests/store/listSql.test.ts holds the two to the same answers. The name search goes through the trigram indexes
 * of deal and customer names (one index range each) instead of joining every deal to its customer.
 */
class Params {
  readonly values: unknown[] = [];
  /** `$n` for `value`, with its SQL type. */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** Deals the person created, accepted or is on the team of (by user id, or by the lower-cased email for invitees). */
function worksOn(p: Params, member: { id: string; email: string | null }): string {
  const id = p.add(member.id, 'text');
  const byEmail = member.email ? ` OR t."emailKey" = ${p.add(member.email.toLowerCase(), 'text')}` : '';
  return `(d."createdById" = ${id} OR d."acceptedById" = ${id} OR EXISTS (SELECT 1 FROM "DealTeamMember" t WHERE t."dealId" = d.id AND (t."userId" = ${id}${byEmail})))`;
}

/** The WHERE for what `actor` may see with `filter`, or null when the actor may see nothing. */
function visibleWhere(p: Params, actor: Actor, filter: DealFilter): string[] | null {
  const visibility = visibilityFilter(actor);
  if (visibility === 'none') return null;
  const and: string[] = [];
  if (visibility.locations) and.push(`d."locationId" = ANY(${p.add(visibility.locations, 'text[]')})`);
  const member = visibility.teamMember ?? (filter.mine && actor.kind !== 'system' ? { id: actor.id, email: actor.email?.toLowerCase() ?? null } : null);
  if (member) {
    // R3 with the New-referral rule of permissions.ts: an unanswered referral is visible to its location's users.
    and.push(visibility.teamMember && !filter.mine ? `(d.status = 'New' OR ${worksOn(p, member)})` : worksOn(p, member));
  }
  if (filter.people) and.push(filter.people.length ? `(${filter.people.map((m) => worksOn(p, m)).join(' OR ')})` : 'false');
  if (filter.direction) and.push(`d.direction = ${p.add(filter.direction, '"Direction"')}`);
  if (filter.type) and.push(`d.type = ${p.add(filter.type, '"DealType"')}`);
  if (filter.status) and.push(`d.status = ${p.add(filter.status, '"DealStatus"')}`);
  if (filter.substatus) and.push(`d.substatus = ${p.add(filter.substatus, '"DealSubstatus"')}`);
  if (filter.stage) and.push(`d.stage = ${p.add(filter.stage, '"SalesStage"')}`);
  if (filter.locationId) and.push(`d."locationId" = ${p.add(filter.locationId, 'text')}`);
  // Arrays travel as text[] (PGlite serialises only arrays of built-in types) and become enum arrays in SQL.
  if (filter.stages) and.push(`d.stage = ANY((${p.add(filter.stages, 'text[]')})::"SalesStage"[])`);
  if (filter.locationIds) and.push(`d."locationId" = ANY(${p.add(filter.locationIds, 'text[]')})`);
  if (filter.updatedSince) and.push(`d."updatedAt" >= ${p.add(filter.updatedSince, 'timestamp')}`);
  return and;
}

/** One page of what `actor` may see, newest first, `limit` deals after the deal number `before` (keyset). */
export async function readListPage(db: SqlRunner, actor: Actor, filter: DealFilter, limit: number, before?: number): Promise<RecordRow[]> {
  const p = new Params();
  const and = visibleWhere(p, actor, filter);
  if (!and) return [];
  if (before !== undefined) and.push(`d.number < ${p.add(before, 'int')}`);
  const where = (...more: string[]) => (and.length + more.length ? `WHERE ${[...and, ...more].join(' AND ')}` : '');
  let page = `SELECT d.id, d.number FROM "Deal" d ${where()}`;
  if (filter.q) {
    // The name search: deals whose name matches, then deals of matching customers that were not matched already —
    // two index ranges (the trigram indexes) rather than one scan joining every deal to its customer. `%` and `_`
    // in what was typed are literal characters, not wildcards.
    const like = p.add(`%${escapeLike(filter.q)}%`, 'text');
    page = `SELECT d.id, d.number FROM "Deal" d ${where(`d.name ILIKE ${like}`)}
      UNION ALL SELECT d.id, d.number FROM "Deal" d ${where(`d."customerId" IN (SELECT cu.id FROM "Customer" cu WHERE cu.name ILIKE ${like})`, `d.name NOT ILIKE ${like}`)}`;
  }
  // The page is chosen on (id, number) alone, then its deals are read whole: sorting whole rows of every match
  // made PostgreSQL start parallel workers for a 20-row page. The limit is written into the statement (a whole
  // number the caller bounded): as a parameter, the generic plan guessed a tenth of the table and hash-joined it.
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`list page size ${limit}`);
  const text = `SELECT ${RECORD_COLUMNS} FROM (${page} ORDER BY number DESC LIMIT ${limit}) page
    JOIN "Deal" d ON d.id = page.id ORDER BY d.number DESC`;
  return (await db.query<Record<string, unknown>>(text, p.values)).map(toRow);
}
