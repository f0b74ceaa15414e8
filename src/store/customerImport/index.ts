import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { PrismaClient } from '@prisma/client';
import { NewCustomerSchema, fieldErrorsOf, text, type FieldError, type NewCustomer, type Text } from '../../domain';
import { customerColumns } from '../customerColumns';
import { readCsv, type CsvRecord } from './csv';
import { decodeChunks, ImportRefused, type Detected } from './encoding';

export { ImportRefused, encodingNamed, detectEncoding, readsAsJapanese, type Detected } from './encoding';

/**
 * The customer directory import (R6, issue 15 item 8): a CSV file of any size, in UTF-8 (with or without BOM) or
 * Shift_JIS, read as a stream; every row validated on its own — a bad row (invalid field, broken quote, bytes not
 * valid in the file's encoding, NUL) is reported with its line number and reason and skipped, the others load —
 * and written set-wise: one INSERT … ON CONFLICT (duns) DO UPDATE per batch for rows with a DUNS number, one UPDATE
 * plus one INSERT … WHERE NOT EXISTS per batch for rows without (matched on name, country and city).
 */

/** One line of the import file; the header names the columns (extra columns are ignored). */
export const CUSTOMER_CSV_COLUMNS = ['name', 'addressLine1', 'city', 'state', 'postalCode', 'country', 'duns'] as const;
const REQUIRED_COLUMNS = ['name', 'country'] as const;

/** Rows per statement: large enough to amortise a round trip, small enough to keep memory flat. */
export const IMPORT_BATCH = 1000;

export interface BadRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  errors: FieldError[];
}

/**
 * A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return first): stored as
 * typed, but listed, so whoever exports the directory to CSV one day knows to neutralise it (CSV injection).
 */
export interface FlaggedCell {
  line: number;
  field: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  bad: BadRow[];
  flagged: FlaggedCell[];
  /** The encoding the file was read in, and how it was decided. */
  encoding?: Pick<Detected, 'encoding' | 'how'>;
}

export interface ImportOptions {
  /** The file's encoding (a TextDecoder label, or cp932/sjis); detected when absent. */
  encoding?: string;
  /** Progress: bytes read and rows handled so far. */
  onProgress?: (p: { bytes: number; rows: number }) => void;
}

const ROW_PROBLEMS = {
  brokenQuote: {
    en: 'A quote in this row is closed in the middle of a field (write "" for a quote inside a quoted field).',
    ja: 'この行の引用符がフィールドの途中で閉じられています (引用符で囲んだフィールド内の引用符は "" と書いてください)。',
  },
  unclosedQuote: {
    en: 'A quote opened in this row is never closed.',
    ja: 'この行で開いた引用符が閉じられていません。',
  },
  tooLong: { en: 'This row is too long.', ja: 'この行は長すぎます。' },
  badEncoding: {
    en: 'This cell has bytes that are not valid {encoding}; fix or re-save the file.',
    ja: 'このセルには {encoding} として無効なバイトが含まれています。ファイルを修正するか保存し直してください。',
  },
} as const satisfies Record<string, Text>;

const rowError = (field: string, code: keyof typeof ROW_PROBLEMS, params?: Record<string, string>): FieldError => ({
  field,
  code,
  message: text(ROW_PROBLEMS[code], params),
});

const FORMULA_START = /^[=+\-@\t\r]/;

interface Row {
  id: string;
  name: string;
  searchName: string;
  addressLine1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string;
  duns: string | null;
}

function rowOf(c: NewCustomer): Row {
  return { id: randomUUID(), ...customerColumns(c), duns: c.duns ?? null };
}

/**
 * Streams a customer CSV into the directory. Throws ImportRefused (nothing imported) when the encoding cannot be
 * told or the header lacks a required column; every other problem is a bad row in the report.
 */
export async function importCustomers(prisma: PrismaClient, input: Readable | AsyncIterable<Buffer | string>, opts: ImportOptions = {}): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, bad: [], flagged: [] };
  let bytes = 0;
  let rows = 0;
  let encodingName = 'UTF-8';
  const chunks = decodeChunks(input as AsyncIterable<Buffer | string>, {
    encoding: opts.encoding,
    onEncoding: (d) => {
      report.encoding = { encoding: d.encoding, how: d.how };
      encodingName = d.encoding === 'utf-8' ? 'UTF-8' : d.encoding === 'shift_jis' ? 'Shift_JIS' : d.encoding;
    },
    onBytes: (b) => (bytes = b),
  });

  let columns: string[] | null = null;
  let batch: Row[] = [];
  for await (const record of readCsv(chunks) as AsyncIterable<CsvRecord>) {
    if (!columns) {
      if ('error' in record) throw new ImportRefused(`Line ${record.line}: the header row cannot be read (${ROW_PROBLEMS[record.error].en})`);
      columns = record.fields.map((c) => c.trim());
      const missing = REQUIRED_COLUMNS.filter((c) => !columns!.includes(c));
      if (missing.length) throw new ImportRefused(`The header has no ${missing.join(', ')} column (expected: ${CUSTOMER_CSV_COLUMNS.join(',')}). Nothing was imported.`);
      continue;
    }
    rows++;
    if ('error' in record) {
      report.bad.push({ line: record.line, errors: [rowError('', record.error)] });
    } else {
      const raw: Record<string, string> = {};
      columns.forEach((c, i) => {
        if ((CUSTOMER_CSV_COLUMNS as readonly string[]).includes(c)) raw[c] = record.fields[i] ?? '';
      });
      const undecodable = Object.entries(raw).filter(([, v]) => v.includes('\ufffd'));
      if (undecodable.length) {
        report.bad.push({ line: record.line, errors: undecodable.map(([field]) => rowError(field, 'badEncoding', { encoding: encodingName })) });
      } else {
        const parsed = NewCustomerSchema.safeParse(raw);
        if (!parsed.success) {
          report.bad.push({ line: record.line, errors: fieldErrorsOf(parsed.error) });
        } else {
          for (const [field, v] of Object.entries(raw)) if (FORMULA_START.test(v)) report.flagged.push({ line: record.line, field });
          batch.push(rowOf(parsed.data));
        }
      }
    }
    if (batch.length >= IMPORT_BATCH) {
      await writeBatch(prisma, batch, report);
      batch = [];
      opts.onProgress?.({ bytes, rows });
    }
  }
  if (!columns) throw new ImportRefused('The file is empty: expected a header row and customer rows.');
  await writeBatch(prisma, batch, report);
  opts.onProgress?.({ bytes, rows });
  return report;
}

const RECORDSET = `json_to_recordset($1::json) AS r(id text, name text, "searchName" text, "addressLine1" text, city text, state text, "postalCode" text, country text, duns text)`;
const COLUMNS = `id, name, "searchName", "addressLine1", city, state, "postalCode", country, duns, "updatedAt"`;
const VALUES = `r.id, r.name, r."searchName", r."addressLine1", r.city, r.state, r."postalCode", r.country, r.duns, CURRENT_TIMESTAMP`;

/** Rows with a DUNS number: one statement; the last row wins when a batch names a DUNS twice (as row by row). */
const UPSERT_BY_DUNS = `
WITH up AS (
  INSERT INTO "Customer" (${COLUMNS})
  SELECT ${VALUES} FROM ${RECORDSET}
  ON CONFLICT (duns) DO UPDATE SET
    name = EXCLUDED.name, "searchName" = EXCLUDED."searchName", "addressLine1" = EXCLUDED."addressLine1",
    city = EXCLUDED.city, state = EXCLUDED.state, "postalCode" = EXCLUDED."postalCode", country = EXCLUDED.country,
    "updatedAt" = CURRENT_TIMESTAMP
  RETURNING (xmax = 0) AS inserted
)
SELECT (count(*) FILTER (WHERE inserted))::int AS created, (count(*) FILTER (WHERE NOT inserted))::int AS updated FROM up`;

/**
 * Rows without one: the same name in the same country and city is the same customer (as the wizard treats it). The
 * same name has the same searchName, which is indexed: the match is an index look-up, not a scan per row.
 */
const UPSERT_BY_NAME = `
WITH src AS (SELECT * FROM ${RECORDSET}),
upd AS (
  UPDATE "Customer" c SET "addressLine1" = s."addressLine1", state = s.state, "postalCode" = s."postalCode", "updatedAt" = CURRENT_TIMESTAMP
  FROM src s
  WHERE c."searchName" = s."searchName" AND c.duns IS NULL AND c.name = s.name AND c.country = s.country AND c.city IS NOT DISTINCT FROM s.city
  RETURNING s.id
),
ins AS (
  INSERT INTO "Customer" (${COLUMNS})
  SELECT ${VALUES} FROM src r
  WHERE NOT EXISTS (
    SELECT 1 FROM "Customer" c
    WHERE c."searchName" = r."searchName" AND c.duns IS NULL AND c.name = r.name AND c.country = r.country AND c.city IS NOT DISTINCT FROM r.city
  )
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS created, (SELECT count(DISTINCT id) FROM upd)::int AS updated`;

async function writeBatch(prisma: PrismaClient, batch: Row[], report: ImportReport): Promise<void> {
  if (batch.length === 0) return;
  const byDuns = new Map<string, Row>();
  const byName = new Map<string, Row>();
  for (const row of batch) {
    if (row.duns) byDuns.set(row.duns, row);
    else byName.set(JSON.stringify([row.name, row.country, row.city]), row);
  }
  for (const [sql, rows] of [
    [UPSERT_BY_DUNS, [...byDuns.values()]],
    [UPSERT_BY_NAME, [...byName.values()]],
  ] as const) {
    if (rows.length === 0) continue;
    const [counts] = await prisma.$queryRawUnsafe<{ created: number; updated: number }[]>(sql, JSON.stringify(rows));
    report.created += Number(counts?.created ?? 0);
    report.updated += Number(counts?.updated ?? 0);
  }
  // Rows a later row of the same batch replaced count as updated, as they would have row by row.
  report.updated += batch.length - byDuns.size - byName.size;
}
