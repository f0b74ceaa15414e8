import { jsonDate, jsonTimestamp, type SqlRunner } from '../sql';
import type { RecordRow } from './mapping';

/**
 * The deal with everything a card or an API answer needs (recordInclude: team, completions, registration, customer,
 * location, latest note) in one statement, for the hot paths (issue 16). Prisma's `include` sends the same data as
 * one big SELECT that PostgreSQL planned afresh on every click (2.4 ms); this one is prepared once per connection.
 * The result has the shape of Prisma's RecordRow, so toRecord() maps both.
 */
export const RECORD_COLUMNS = `d.*,
  (SELECT coalesce(json_agg(t ORDER BY t.position, t.id), '[]') FROM "DealTeamMember" t WHERE t."dealId" = d.id) AS "_team",
  (SELECT coalesce(json_agg(c ORDER BY c."completedAt", c.id), '[]') FROM "StageCompletion" c WHERE c."dealId" = d.id) AS "_completions",
  (SELECT row_to_json(r) FROM "Registration" r WHERE r."dealId" = d.id) AS "_registration",
  (SELECT row_to_json(cu) FROM "Customer" cu WHERE cu.id = d."customerId") AS "_customer",
  (SELECT json_build_object('name', l.name, 'country', l.country, 'timeZone', l."timeZone") FROM "Location" l WHERE l.id = d."locationId") AS "_location",
  (SELECT row_to_json(n) FROM "DealNote" n WHERE n."dealId" = d.id ORDER BY n."createdAt" DESC, n.id DESC LIMIT 1) AS "_note"`;

const BY_ID = `SELECT ${RECORD_COLUMNS} FROM "Deal" d WHERE d.id = $1`;
const BY_NUMBER = `SELECT ${RECORD_COLUMNS} FROM "Deal" d WHERE d.number = $1`;

type Json = Record<string, unknown>;

export function toRow(raw: Json): RecordRow {
  const { _team, _completions, _registration, _customer, _location, _note, ...deal } = raw;
  const registration = _registration as Json | null;
  const note = _note as Json | null;
  return {
    ...deal,
    team: _team as Json[],
    completions: (_completions as Json[]).map((c) => ({ ...c, completedAt: jsonTimestamp(c.completedAt) })),
    registration: registration && {
      ...registration,
      contractSignedDate: jsonDate(registration.contractSignedDate),
      contractStartDate: jsonDate(registration.contractStartDate),
      contractEndDate: jsonDate(registration.contractEndDate),
      submittedAt: jsonTimestamp(registration.submittedAt),
      reviewedAt: jsonTimestamp(registration.reviewedAt),
    },
    customer: _customer,
    location: _location,
    notes: note ? [{ ...note, createdAt: jsonTimestamp(note.createdAt) }] : [],
  } as unknown as RecordRow;
}

/** By id, or by the short number shown on cards. */
export async function readRecordRow(db: SqlRunner, idOrNumber: string): Promise<RecordRow | null> {
  const byNumber = /^\d{1,9}$/.test(idOrNumber);
  const rows = await db.query<Json>(byNumber ? BY_NUMBER : BY_ID, [byNumber ? Number(idOrNumber) : idOrNumber]);
  return rows[0] ? toRow(rows[0]) : null;
}
