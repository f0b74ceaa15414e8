import { SYSTEM, type Actor, type AuditEntry, type DealFilter, type DealRecord, type Insights, type LocationDigest, type NoteEntry, type Page, type Pipeline, type RecentContact, type Result } from '../domain';
import type { DealReader } from '../store/deals/queries';

/**
 * The one way to read deals, for every surface: visibility (R1–R3) is applied in the store's SQL for every list, and
 * stage filters are resolved by the domain's `stagesNamed` (R22) before they get here.
 */
export class DealQueries {
  constructor(private readonly reader: DealReader) {}

  /** A deal the actor may see, or NOT_FOUND. */
  get(idOrNumber: string, actor: Actor): Promise<Result<DealRecord>> {
    return this.reader.get(idOrNumber, actor);
  }

  /** Any deal, for the system's own work (card refreshes, announcements). */
  getForSystem(idOrNumber: string): Promise<Result<DealRecord>> {
    return this.reader.get(idOrNumber, SYSTEM);
  }

  list(actor: Actor, filter: DealFilter = {}, page: { limit?: number; cursor?: string } = {}): Promise<Page<DealRecord>> {
    return this.reader.list(actor, filter, page);
  }

  pipeline(actor: Actor, filter: DealFilter = {}): Promise<Pipeline> {
    return this.reader.pipeline(actor, filter);
  }

  /** Issue 17: what needs attention in one location today (the daily digest); null for an unknown location. */
  digest(locationId: string, opts: { now: Date; staleDays: number; limit: number }): Promise<LocationDigest | null> {
    return this.reader.digest(locationId, opts);
  }

  /** Issue 17: every deal the actor may see with the filter, up to `max` (the export). */
  all(actor: Actor, filter: DealFilter, max: number): Promise<{ items: DealRecord[]; more: boolean }> {
    return this.reader.all(actor, filter, max);
  }

  /** Issue 17: pipeline, funnel, times, win rate and decline reasons of what the actor may see; null = nothing. */
  insights(actor: Actor, filter: DealFilter = {}, now = new Date()): Promise<Insights | null> {
    return this.reader.insights(actor, filter, now);
  }

  notes(dealId: string): Promise<NoteEntry[]> {
    return this.reader.notes(dealId);
  }

  history(dealId: string): Promise<AuditEntry[]> {
    return this.reader.history(dealId);
  }

  ownPhone(actor: Actor): Promise<string | null> {
    return this.reader.ownPhone(actor);
  }

  recentContacts(actor: Actor, opts: { exclude?: string[]; limit?: number } = {}): Promise<RecentContact[]> {
    return this.reader.recentContacts(actor, opts);
  }
}
