import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { actorOf, type Actor, type DealFilter, type DealRecord, type PersonActor } from '../domain';
import type { ExportDelivery, ExportRequest, ExportStore } from '../store/exports';
import type { PeopleStore } from '../store/people';
import type { DealQueries } from './dealQueries';

/**
 * Issue 17: exporting deals. A request records what the person asked for (the filter of `deals`, resolved); the file is
 * made when it is delivered — uploaded after Teams' file consent, or downloaded with a short-lived signed link — from
 * the deals the person may see at that moment (R1–R3 through the deal queries), so a scope taken away meanwhile takes
 * the data with it. Every delivery is audited. Files are rendered by the surfaces (cards/exportFile.ts).
 */

export type ExportFormat = 'xlsx' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['xlsx', 'csv'];

/** The most deals one file holds (the rest: narrow the filter). */
export const EXPORT_MAX_ROWS = 20_000;

/** Deal numbers kept in an export's audit event (the count is always kept). */
const AUDITED_NUMBERS = 1_000;

/** How long a file consent card can be accepted (Teams keeps the card; the person may answer later). */
const CONSENT_MINUTES = 24 * 60;

export type ExportRefusal = 'NO_SCOPE' | 'EXPIRED' | 'NOT_YOURS';

export type Prepared = { ok: true; request: ExportRequest; actor: PersonActor; deals: DealRecord[]; more: boolean } | { ok: false; refusal: ExportRefusal };

/** A signed link's verdict: 404 for anything not signed by us (nothing is read), 410 for a genuine link past its time. */
export type LinkCheck = { ok: true; exportId: string; format: ExportFormat } | { ok: false; status: 404 | 410; code: 'EXPORT_NOT_FOUND' | 'EXPORT_EXPIRED' };

export interface ExportOptions {
  /** EXPORT_LINK_SECRET; undefined = a random secret for this process. */
  secret: string | undefined;
  linkMinutes: number;
  publicBaseUrl: string | undefined;
}

/** Someone without any location sees no deal: they get a message, never an empty file. */
export function hasNoScope(actor: Actor): boolean {
  return actor.kind !== 'system' && (actor.role === null || (!actor.scope.global && actor.scope.locations.length === 0));
}

const SIGNED_ID = /^([0-9a-f]{32})-([0-9a-z]{1,10})-([A-Za-z0-9_-]{22})$/;

export class ExportService {
  private readonly secret: Buffer;

  constructor(
    private readonly store: ExportStore,
    private readonly queries: DealQueries,
    private readonly people: Pick<PeopleStore, 'byId'>,
    private readonly opts: ExportOptions,
  ) {
    this.secret = opts.secret ? Buffer.from(opts.secret, 'utf8') : randomBytes(32);
  }

  get linkMinutes(): number {
    return this.opts.linkMinutes;
  }

  /** Records what the person asked to export; the deals are read when a file is delivered. */
  async request(actor: PersonActor, filter: DealFilter, filterText: string, locale: 'ja' | 'en', now = new Date()): Promise<{ ok: true; request: ExportRequest; deals: DealRecord[]; more: boolean } | { ok: true; request: null; deals: []; more: false } | { ok: false; refusal: 'NO_SCOPE' }> {
    if (hasNoScope(actor)) return { ok: false, refusal: 'NO_SCOPE' };
    const { items, more } = await this.queries.all(actor, filter, EXPORT_MAX_ROWS);
    const minutes = Math.max(this.opts.linkMinutes, CONSENT_MINUTES);
    // Nothing to export: no request is kept (the person is told so).
    const request = items.length
      ? await this.store.create({ userId: actor.id, userName: actor.name, filter, filterText, locale, expiresAt: new Date(now.getTime() + minutes * 60_000) })
      : null;
    return request ? { ok: true, request, deals: items, more } : { ok: true, request: null, deals: [], more: false };
  }

  /**
   * The deals of a request as its owner may see them now. `owner` (the person answering a file consent card) must be
   * the one who asked; a link is the owner's by its signature.
   */
  async prepare(exportId: string, now = new Date(), owner?: string): Promise<Prepared> {
    const request = await this.store.get(exportId);
    if (!request) return { ok: false, refusal: 'EXPIRED' };
    if (owner !== undefined && owner !== request.userId) return { ok: false, refusal: 'NOT_YOURS' };
    if (request.expiresAt.getTime() <= now.getTime()) return { ok: false, refusal: 'EXPIRED' };
    const person = await this.people.byId(request.userId);
    const actor = person ? actorOf(person) : null;
    if (!actor || hasNoScope(actor)) return { ok: false, refusal: 'NO_SCOPE' };
    const { items, more } = await this.queries.all(actor, request.filter, EXPORT_MAX_ROWS);
    return { ok: true, request, actor, deals: items, more };
  }

  /** Audits a delivered file: who, which request and filter, format, how, and which deals (numbers, up to 1,000). */
  recordDelivery(prepared: Extract<Prepared, { ok: true }>, delivery: Omit<ExportDelivery, 'rows' | 'numbers'>): Promise<void> {
    const numbers = prepared.deals.map((d) => d.number);
    return this.store.recordDelivery(prepared.request, prepared.actor, {
      ...delivery,
      rows: numbers.length,
      numbers: numbers.slice(0, AUDITED_NUMBERS),
      ...(numbers.length > AUDITED_NUMBERS ? { numbersTruncated: true } : {}),
    });
  }

  /** `/exports/<signed id>.<format>` under PUBLIC_BASE_URL, valid for EXPORT_LINK_MINUTES; null without a base URL. */
  link(request: ExportRequest, format: ExportFormat, now = new Date()): string | null {
    if (!this.opts.publicBaseUrl) return null;
    const expires = Math.floor(now.getTime() / 1000) + this.opts.linkMinutes * 60;
    const id = request.id.replace(/-/g, '');
    const exp = expires.toString(36);
    return `${this.opts.publicBaseUrl}/exports/${id}-${exp}-${this.sign(id, exp, format)}.${format}`;
  }

  /** Checks a link's signature first (nothing is read for a forged one), then its time. */
  check(signedId: string, format: string, now = new Date()): LinkCheck {
    const m = SIGNED_ID.exec(signedId);
    if (!m || !EXPORT_FORMATS.includes(format as ExportFormat)) return { ok: false, status: 404, code: 'EXPORT_NOT_FOUND' };
    const [, id, exp, sig] = m as unknown as [string, string, string, string];
    const expected = Buffer.from(this.sign(id, exp, format as ExportFormat));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 404, code: 'EXPORT_NOT_FOUND' };
    if (parseInt(exp, 36) * 1000 <= now.getTime()) return { ok: false, status: 410, code: 'EXPORT_EXPIRED' };
    const exportId = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
    return { ok: true, exportId, format: format as ExportFormat };
  }

  private sign(id: string, exp: string, format: ExportFormat): string {
    return createHmac('sha256', this.secret).update(`export:${id}:${exp}:${format}`).digest('base64url').slice(0, 22);
  }
}
