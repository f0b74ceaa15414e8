import fs from 'node:fs';
import path from 'node:path';
import type { Customer, Prisma, PrismaClient } from '@prisma/client';
import { cityVariants, type CustomerData, type NewCustomer } from '../domain';
import type { Logger } from '../log';
import { customerColumns } from './customerColumns';
import { importCustomers, type ImportReport } from './customerImport';
import { escapeLike } from './like';
import { searchKey } from './searchKey';

/** The customer directory (R6): search by name within a country (and city), add customers, import a CSV. */

export const MAX_SUGGESTIONS = 10;
/** Candidates fetched before ranking; a query this unspecific is refined by the user anyway. */
const CANDIDATES = 200;

export interface CustomerQuery {
  /** Without a country (the wizard's type-ahead when Teams sent no other inputs) every country is searched. */
  country?: string | null;
  city?: string | null;
  query: string;
}

export { NewCustomerSchema, type NewCustomer } from '../domain';

export { escapeLike } from './like';

/** Lower is better: exact name, name starts with the query, a word starts with it, contains it, has all words. */
export function matchRank(name: string, key: string): number {
  if (name === key) return 0;
  if (name.startsWith(key)) return 1;
  if (name.includes(` ${key}`)) return 2;
  if (name.includes(key)) return 3;
  return 4;
}

export class CustomerDirectory {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Up to 10 customers of the country (and city, when given; of every country when none is) whose name contains
   * every word of the query, ignoring case, full-/half-width and katakana/hiragana differences (searchKey), best
   * matches first.
   */
  async search(q: CustomerQuery, limit = MAX_SUGGESTIONS): Promise<Customer[]> {
    return (await this.suggest(q, limit)).customers;
  }

  /**
   * The best `limit` matches, and how many matched (`total`, counted up to the candidates read; `more` when there
   * were more than that): the wizard says "10 of 23 shown" instead of pretending 10 were all.
   */
  async suggest(q: CustomerQuery, limit = MAX_SUGGESTIONS): Promise<{ customers: Customer[]; total: number; more: boolean }> {
    const key = searchKey(q.query);
    const words = key.split(' ').filter((w) => w !== '');
    if (words.length === 0) return { customers: [], total: 0, more: false };
    // 横浜 also finds rows written Yokohama, and the other way round (src/domain/cities.ts).
    const cities = cityVariants(q.city ?? '');
    const rows = await this.prisma.customer.findMany({
      where: {
        ...(q.country ? { country: q.country.toUpperCase() } : {}),
        ...(cities.length ? { OR: cities.map((c) => ({ city: { contains: escapeLike(c), mode: 'insensitive' as const } })) } : {}),
        AND: words.map((w) => ({ searchName: { contains: escapeLike(w) } })),
      },
      take: CANDIDATES + 1,
    });
    const more = rows.length > CANDIDATES;
    const customers = rows
      .slice(0, CANDIDATES)
      .map((row) => ({ row, rank: matchRank(row.searchName, key) }))
      .sort((a, b) => a.rank - b.rank || a.row.searchName.length - b.row.searchName.length || a.row.name.localeCompare(b.row.name))
      .slice(0, limit)
      .map((x) => x.row);
    return { customers, total: Math.min(rows.length, CANDIDATES), more };
  }

  get(id: string): Promise<Customer | null> {
    return this.prisma.customer.findUnique({ where: { id } });
  }

  /** Several by id, in the order asked (the wizard keeps its last search results as ids). */
  async byIds(ids: readonly string[]): Promise<Customer[]> {
    if (!ids.length) return [];
    const rows = await this.prisma.customer.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  findByDuns(duns: string): Promise<Customer | null> {
    return this.prisma.customer.findUnique({ where: { duns } });
  }

  async isEmpty(): Promise<boolean> {
    return (await this.prisma.customer.findFirst({ select: { id: true } })) === null;
  }

  /** Adds a customer, or updates the one with the same DUNS (without DUNS: same name, country and city). */
  async upsert(c: NewCustomer): Promise<{ customer: Customer; created: boolean }> {
    const data = columnsOf(c);
    const existing = c.duns
      ? await this.findByDuns(c.duns)
      : await this.prisma.customer.findFirst({ where: { name: c.name, country: c.country, city: data.city, duns: null } });
    if (existing) return { customer: await this.prisma.customer.update({ where: { id: existing.id }, data }), created: false };
    return { customer: await this.prisma.customer.create({ data: { ...data, duns: c.duns ?? null } }), created: true };
  }
}

export {
  CUSTOMER_CSV_COLUMNS,
  ImportRefused,
  importCustomers,
  type BadRow,
  type FlaggedCell,
  type ImportOptions,
  type ImportReport,
} from './customerImport';

function columnsOf(c: NewCustomer) {
  return {
    name: c.name,
    searchName: searchKey(c.name),
    addressLine1: c.addressLine1,
    city: c.city ?? null,
    state: c.state ?? null,
    postalCode: c.postalCode ?? null,
    country: c.country,
  };
}

/** The demo directory shipped with the project (fictional companies), found from the package root. */
export function demoCustomersFile(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'prisma', 'demo', 'customers.csv');
}

/** On a fresh database the directory is empty: load the demo companies so the wizard has something to find. */
export async function loadDemoCustomersIfEmpty(prisma: PrismaClient, logger: Logger, file = demoCustomersFile()): Promise<ImportReport | null> {
  if (!(await new CustomerDirectory(prisma).isEmpty()) || !fs.existsSync(file)) return null;
  const report = await importCustomers(prisma, fs.createReadStream(file));
  logger.info({ file, created: report.created, bad: report.bad.length }, `customer directory was empty: loaded ${report.created} demo customers`);
  return report;
}

/**
 * upsertCustomer for a page of referrals at once (issue 13's poll): the same rule — by DUNS, else exact name +
 * country + city, else a new entry — in four statements whatever the page's size. Returns the ids in input order;
 * the same company twice in a page is one entry.
 */
export async function upsertCustomers(tx: Prisma.TransactionClient, customers: readonly CustomerData[]): Promise<string[]> {
  const keyOf = (c: CustomerData) => (c.duns ? `duns:${c.duns}` : JSON.stringify([c.name, c.country, customerColumns(c).city]));
  const ids = new Map<string, string>();
  const withDuns = [...new Map(customers.filter((c) => c.duns).map((c) => [c.duns!, c])).values()];
  if (withDuns.length) {
    // ON CONFLICT DO NOTHING: an existing entry with the DUNS is kept as it is, as upsert(update: {}) does.
    await tx.customer.createMany({ data: withDuns.map((c) => ({ ...customerColumns(c), duns: c.duns! })), skipDuplicates: true });
    const rows = await tx.customer.findMany({ where: { duns: { in: withDuns.map((c) => c.duns!) } }, select: { id: true, duns: true } });
    for (const r of rows) ids.set(`duns:${r.duns}`, r.id);
  }
  const byPlace = [...new Map(customers.filter((c) => !c.duns).map((c) => [keyOf(c), c])).values()];
  if (byPlace.length) {
    const found = await tx.customer.findMany({
      where: { OR: byPlace.map((c) => ({ name: c.name, country: c.country, city: customerColumns(c).city })) },
      select: { id: true, name: true, country: true, city: true },
      orderBy: { createdAt: 'asc' },
    });
    for (const r of found) {
      const key = JSON.stringify([r.name, r.country, r.city]);
      if (!ids.has(key)) ids.set(key, r.id);
    }
    const missing = byPlace.filter((c) => !ids.has(keyOf(c)));
    if (missing.length) {
      const created = await tx.customer.createManyAndReturn({ data: missing.map(customerColumns), select: { id: true, name: true, country: true, city: true } });
      for (const r of created) ids.set(JSON.stringify([r.name, r.country, r.city]), r.id);
    }
  }
  return customers.map((c) => {
    const id = ids.get(keyOf(c));
    if (!id) throw new Error('customer upsert lost an entry');
    return id;
  });
}
