import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ConfigError } from '../config';
import { LocationInputSchema, type LocationInput } from '../domain';
import type { Logger } from '../log';
import type { AdminStore } from '../store/admin';

/**
 * LOCATIONS_FILE: the partner's MPN locations, loaded at start so a deployment can bring its structure along.
 * JSON (an array of {id, name, country?, timeZone?}) or CSV with a header row `id,name,country[,timezone]`. Loading adds new locations
 * and renames changed ones; it never removes one (deals keep their location for good). A bad file stops the start
 * with one clear message naming the row.
 */

const FileSchema = z.array(LocationInputSchema).superRefine((rows, ctx) => {
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const key = r.id.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${r.id}"` });
    seen.add(key);
  });
});

function problem(file: string, message: string): ConfigError {
  return new ConfigError([{ variable: 'LOCATIONS_FILE', message: `${file}: ${message}` }]);
}

/** Reads and validates the file; throws a ConfigError (code CONFIG_INVALID) on any problem. */
export async function readLocationsFile(file: string): Promise<LocationInput[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (err) {
    throw problem(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let raw: unknown;
  const isCsv = path.extname(file).toLowerCase() === '.csv';
  try {
    raw = isCsv
      ? (parse(content.replace(/^\uFEFF/, ''), { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true }) as Record<string, string>[]).map(
          (r) => ({ id: r.id, name: r.name, ...(r.country ? { country: r.country } : {}), ...(r.timezone ? { timeZone: r.timezone } : {}) }),
        )
      : JSON.parse(content);
  } catch (err) {
    throw problem(file, `is not valid ${isCsv ? 'CSV' : 'JSON'} (${(err as Error).message})`);
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Rows are numbered as a person counts them: the first data row is row 1 (after the CSV header).
    const [row, field] = issue.path;
    const where = typeof row === 'number' ? `row ${row + 1}${field ? ` (${String(field)})` : ''}: ` : '';
    throw problem(file, `${where}${issue.message}`);
  }
  return parsed.data;
}

export async function loadLocationsFile(admin: Pick<AdminStore, 'applyLocations'>, file: string, logger: Logger): Promise<{ added: number; renamed: number }> {
  const rows = await readLocationsFile(file);
  const result = await admin.applyLocations(rows, path.basename(file));
  logger.info({ file, rows: rows.length, ...result }, 'LOCATIONS_FILE loaded');
  return result;
}
