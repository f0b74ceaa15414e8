import { DEAL_TYPE_LABEL, DIRECTION_LABEL, STAGE_LABEL, STATUS_LABEL, SUBSTATUS_LABEL, isTimeZone, type DealRecord } from '../src/domain';
import { t, type Locale, type MessageKey } from './i18n';

/**
 * Issue 17: the deals export as a file — one row per deal, headings and labels in the asker's language, the glossary's
 * words. `.xlsx` (every text cell a string, never a formula) and `.csv` (UTF-8 with a BOM so Excel in Japan reads it;
 * a text cell that starts with = + - @, a tab or a carriage return is prefixed with ' so no spreadsheet runs it).
 */

export type ExportFormat = 'xlsx' | 'csv';

type Cell = string | number | null;

interface Column {
  key: MessageKey;
  width: number;
  value: (deal: DealRecord, locale: Locale) => Cell;
  /** A number (kept numeric in both files) or a calendar date (a date cell in the workbook). */
  kind?: 'number' | 'date';
}

const stamps = new Map<string, Intl.DateTimeFormat>();
/** A moment as a spreadsheet sorts it: `2026-12-02 09:05`, in the deal's location's zone (the same for every reader). */
function at(d: Date | null, zone: string | undefined): string | null {
  if (!d) return null;
  const timeZone = zone && isTimeZone(zone) ? zone : 'UTC';
  let f = stamps.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    stamps.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

const COLUMNS: readonly Column[] = [
  { key: 'export.col.number', width: 8, kind: 'number', value: (d) => d.number },
  { key: 'export.col.name', width: 40, value: (d) => d.name },
  { key: 'export.col.type', width: 20, value: (d, l) => DEAL_TYPE_LABEL[d.type][l] },
  { key: 'export.col.direction', width: 14, value: (d, l) => DIRECTION_LABEL[d.direction][l] },
  { key: 'export.col.status', width: 12, value: (d, l) => STATUS_LABEL[d.status][l] },
  { key: 'export.col.substatus', width: 12, value: (d, l) => SUBSTATUS_LABEL[d.substatus][l] },
  { key: 'export.col.stage', width: 22, value: (d, l) => STAGE_LABEL[d.stage][l] },
  { key: 'export.col.customer', width: 32, value: (d) => d.customer.name },
  { key: 'export.col.location', width: 28, value: (d) => d.locationName || d.locationId },
  { key: 'export.col.value', width: 16, kind: 'number', value: (d) => d.value },
  { key: 'export.col.currency', width: 8, value: (d) => d.currency },
  { key: 'export.col.closeDate', width: 14, kind: 'date', value: (d) => d.closeDate },
  { key: 'export.col.expiresAt', width: 24, value: (d) => (d.status === 'New' ? at(d.expiresAt, d.locationTimeZone) : null) },
  { key: 'export.col.acceptedBy', width: 20, value: (d) => d.acceptedByName },
  { key: 'export.col.team', width: 40, value: (d) => d.team.map((m) => `${m.name} <${m.email}>`).join('; ') },
  { key: 'export.col.crmId', width: 16, value: (d) => d.crmId },
  { key: 'export.col.campaignId', width: 16, value: (d) => d.campaignId },
  { key: 'export.col.referralId', width: 24, value: (d) => d.partnerCenter?.referralId ?? d.sender?.referralId ?? null },
  { key: 'export.col.createdAt', width: 24, value: (d) => at(d.createdAt, d.locationTimeZone) },
  { key: 'export.col.updatedAt', width: 24, value: (d) => at(d.updatedAt, d.locationTimeZone) },
];

/** Text a spreadsheet could take for a formula (or a DDE command) is made plain text with a leading apostrophe. */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = neutralise(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const BOM = '\uFEFF';

export function dealsCsv(locale: Locale, deals: readonly DealRecord[]): Buffer {
  const lines = [COLUMNS.map((c) => csvField(t(locale, c.key))).join(',')];
  for (const deal of deals) lines.push(COLUMNS.map((c) => csvField(c.value(deal, locale))).join(','));
  return Buffer.from(`${BOM}${lines.join('\r\n')}\r\n`, 'utf8');
}

export async function dealsXlsx(locale: Locale, deals: readonly DealRecord[]): Promise<Buffer> {
  // Loaded with the first export, not at start (issue 16: start-up time and memory).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ExcelJS = require('exceljs') as typeof import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'cosell-bot';
  book.created = new Date();
  const sheet = book.addWorksheet(t(locale, 'export.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: t(locale, c.key), key: c.key, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const deal of deals) {
    const row = sheet.addRow(
      COLUMNS.map((c) => {
        const v = c.value(deal, locale);
        // A calendar date is a date cell (midnight UTC is the day itself); text stays text, whatever it starts with.
        if (c.kind === 'date' && typeof v === 'string') return new Date(`${v}T00:00:00Z`);
        return v;
      }),
    );
    COLUMNS.forEach((c, i) => {
      if (c.kind === 'date') row.getCell(i + 1).numFmt = 'yyyy-mm-dd';
      if (c.key === 'export.col.value') row.getCell(i + 1).numFmt = '#,##0.##';
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  return Buffer.from(await book.xlsx.writeBuffer());
}

export const CONTENT_TYPE: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** `deals-2026-12-02.xlsx`: the day of the export in the asker's zone. */
export function exportFileName(day: string, format: ExportFormat): string {
  return `deals-${day}.${format}`;
}

export async function dealsFile(locale: Locale, deals: readonly DealRecord[], format: ExportFormat): Promise<Buffer> {
  return format === 'xlsx' ? dealsXlsx(locale, deals) : dealsCsv(locale, deals);
}
