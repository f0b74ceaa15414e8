import {
  baseAfterInbound,
  partnerCenterChange,
  pendingFields,
  type DomainConfig,
  type SyncBase,
  type SyncNotice,
  type SyncedFields,
  type IncomingReferral,
  type Result,
} from '../../domain';
import type { Logger } from '../../log';
import type { JobSpec } from '../../store/jobs';
import type { LinkedDeal, PartnerCenterStore } from '../../store/partnerCenter';
import type { DealCommands } from '../dealCommands';
import { announceUnmapped, fetchFromPartnerCenter, pollPartnerCenter, refreshCards } from '../followUps';
import { GiveUp, RetryAfter, type Job } from '../jobWorker';
import { PartnerCenterError, type PartnerCenterClient } from './client';
import { createOf, incomingOf, oursOf, patchOf, theirsOf } from './mapping';
import { PcReferralSchema, targetLocationOf, type PcReferral } from './referral';

/**
 * The Partner Center sync (issue 13): Partner Center is the system of record, Teams is where the work happens.
 * Inbound, a referral (from a webhook's GET, or a poll's page) becomes a New deal through the intake, or its changes
 * reach the deal through the state machine as Partner Center's command; outbound, each change made here is a
 * `pc.push` job written with the change, which PATCHes what we changed since both sides last agreed (If-Match), or
 * POSTs a deal made here. A 412 reads their referral, applies their changes first, and decides ours again.
 */

export interface PartnerCenterSyncOptions {
  /** Seconds between polls. */
  pollSeconds: number;
  /** A poll asks again for changes this long before its high-water mark (clock skew, late writes). */
  pollOverlapMs?: number;
  /** Country of a customer whose referral has none (the location's, else this). */
  defaultCountry?: string;
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged' | 'unmapped' | 'ignored' | 'refused';

/** Why a push failed, as shown to people: a category, never Partner Center's own text. */
const reasonOf = (err: unknown): string => (err instanceof PartnerCenterError ? err.kind : 'error');

export class PartnerCenterSync {
  private readonly overlapMs: number;

  constructor(
    private readonly client: PartnerCenterClient,
    private readonly store: PartnerCenterStore,
    private readonly commands: DealCommands,
    private readonly domain: DomainConfig,
    private readonly jobs: { enqueue(specs: readonly JobSpec[]): Promise<void>; kick(): void },
    private readonly logger: Logger,
    private readonly options: PartnerCenterSyncOptions,
  ) {
    this.overlapMs = options.pollOverlapMs ?? 5 * 60_000;
  }

  // -- inbound ----------------------------------------------------------------------------------------------------------

  /** A referral as Partner Center has it now: a new deal, an update of ours, or nothing when we have it already. */
  async apply(referral: PcReferral, locations?: Map<string, string>, prefetched?: LinkedDeal | null): Promise<ApplyOutcome> {
    const locationOf = (pcId: string) => locations?.get(pcId) ?? null;
    const known = prefetched !== undefined ? prefetched : await this.store.byReferralId(referral.id);
    const resolve = async (pcId: string) => (locations ? locationOf(pcId) : this.store.locationFor(pcId));
    const target = targetLocationOf(referral);
    const locationId = target ? await resolve(target) : null;
    const theirs = theirsOf(referral, (id) => (id === target ? locationId : null));
    if (!known) return this.receive(referral, theirs, target, locationId);
    return this.update(known, referral, theirs);
  }

  private async receive(referral: PcReferral, theirs: SyncedFields, target: string | null, locationId: string | null): Promise<ApplyOutcome> {
    const incoming = await this.incoming(referral, theirs, target, locationId);
    if (typeof incoming === 'string') return incoming;
    return this.outcomeOf(referral, (await this.commands.receiveMany([incoming]))[0]!);
  }

  /**
   * A referral we do not have yet, as the intake takes it; or why it is not one: only a referral waiting for an answer
   * is new work for us (outgoing ones we did not make here are not ours to import), and one for a Partner Center
   * location no location here is mapped to waits for an admin.
   */
  private async incoming(referral: PcReferral, theirs: SyncedFields, target: string | null, locationId: string | null): Promise<IncomingReferral | 'ignored' | 'unmapped'> {
    const incoming = referral.direction ? referral.direction.toLowerCase() === 'incoming' : true;
    if (!incoming || referral.status !== 'New') return 'ignored';
    if (!target || !locationId) {
      const fresh = await this.store.addUnmapped({ id: referral.id, targetId: target ?? '', name: referral.name ?? referral.id, body: referral });
      if (fresh) {
        await this.jobs.enqueue([announceUnmapped(referral.id)]);
        this.jobs.kick();
      }
      return 'unmapped';
    }
    const country = (await this.countryOf(locationId)) ?? this.options.defaultCountry ?? 'JP';
    return incomingOf(referral, locationId, { theirs }, this.domain, country);
  }

  private outcomeOf(referral: PcReferral, result: Result<{ created: boolean }>): ApplyOutcome {
    if (!result.ok) {
      this.logger.warn({ referralId: referral.id, refusal: result.refusal.code, fields: result.refusal.fieldErrors.map((e) => e.field) }, 'Partner Center referral refused by intake');
      return 'refused';
    }
    return result.value.created ? 'created' : 'unchanged';
  }

  /** A poll's page: the referrals we have are updated one by one; the new ones are received together, set-wise. */
  private async applyPage(page: readonly PcReferral[], locations: Map<string, string>): Promise<ApplyOutcome[]> {
    const known = await this.store.byReferralIds(page.map((r) => r.id));
    const outcomes: ApplyOutcome[] = new Array(page.length);
    const fresh: { i: number; referral: PcReferral; incoming: IncomingReferral }[] = [];
    for (const [i, referral] of page.entries()) {
      const linked = known.get(referral.id);
      if (linked) {
        outcomes[i] = await this.apply(referral, locations, linked);
        continue;
      }
      const target = targetLocationOf(referral);
      const locationId = target ? (locations.get(target) ?? null) : null;
      const theirs = theirsOf(referral, (id) => (id === target ? locationId : null));
      const incoming = await this.incoming(referral, theirs, target, locationId);
      if (typeof incoming === 'string') outcomes[i] = incoming;
      else fresh.push({ i, referral, incoming });
    }
    const results = await this.commands.receiveMany(fresh.map((f) => f.incoming));
    fresh.forEach((f, n) => (outcomes[f.i] = this.outcomeOf(f.referral, results[n]!)));
    return outcomes;
  }

  private readonly countries = new Map<string, string | null>();
  private async countryOf(locationId: string): Promise<string | null> {
    if (!this.countries.has(locationId)) this.countries.set(locationId, await this.store.countryOf(locationId));
    return this.countries.get(locationId) ?? null;
  }

  private async update({ deal, link }: LinkedDeal, referral: PcReferral, theirs: SyncedFields): Promise<ApplyOutcome> {
    const updatedAt = new Date(referral.updatedDateTime);
    // Never go back in time: a slow GET or an old page must not undo a newer version already applied.
    if (link?.updatedAt && updatedAt.getTime() < link.updatedAt.getTime()) return 'unchanged';
    const base: SyncBase = link?.base ?? { theirs: oursOf(deal), ours: oursOf(deal) };
    const change = partnerCenterChange(base.theirs, theirs);
    const newLink = { referralId: referral.id, engagementId: referral.engagementId ?? null, eTag: referral.eTag ?? null, updatedAt };
    const oursBefore = oursOf(deal);
    if (!Object.keys(change).length) {
      await this.store.relink(deal.id, { ...newLink, base: baseAfterInbound(base, theirs, oursBefore, oursBefore).base });
      return 'unchanged';
    }
    const result = await this.commands.applyFromPartnerCenter(deal.id, change, (outcome) => {
      const after = baseAfterInbound(base, theirs, oursBefore, oursOf(outcome.deal));
      const refused = outcome.effects.refusedPartnerCenterChanges ?? [];
      const now = new Date().toISOString();
      const notice: SyncNotice | undefined = after.superseded.length
        ? { code: 'superseded', by: outcome.deal.closedByName ?? outcome.deal.acceptedByName ?? undefined, at: now }
        : refused.length
          ? { code: 'refused', refused, at: now }
          : undefined;
      return { link: { ...newLink, base: after.base }, ...(notice ? { notice, state: after.superseded.length ? 'conflict' : 'synced' } : {}) };
    });
    if (!result.ok) {
      // Nothing of theirs differs from ours after all (an echo of our own push): just remember their version.
      await this.store.relink(deal.id, { ...newLink, base: baseAfterInbound(base, theirs, oursBefore, oursBefore).base });
      return 'unchanged';
    }
    return result.value.effects.refusedPartnerCenterChanges?.length ? 'refused' : 'updated';
  }

  /** A webhook's ResourceUri: read it (only under the API's base URL — the client refuses others) and apply it. */
  async fetchAndApply(uri: string): Promise<ApplyOutcome> {
    return this.apply(await this.client.getByUri(uri));
  }

  /** A verified webhook: the referral is read and applied by a job, so the webhook is answered at once. */
  async webhookReceived(event: { EventName: string; ResourceUri: string }, now = new Date()): Promise<void> {
    await this.store.recordWebhook(now, event.EventName);
    const id = event.ResourceUri.split('/').filter(Boolean).pop() ?? event.ResourceUri;
    await this.jobs.enqueue([fetchFromPartnerCenter(event.ResourceUri, id)]);
    this.jobs.kick();
  }

  /**
   * Every referral changed since the high-water mark (minus an overlap), page by page; the mark moves only after a
   * page is applied, so a poll cut off half-way starts again where it stopped.
   */
  async poll(now = new Date()): Promise<{ seen: number; created: number; updated: number }> {
    const since = await this.store.highWater();
    const counts = { seen: 0, created: 0, updated: 0 };
    let mark = since;
    try {
      const locations = await this.store.locationMap();
      for await (const page of this.client.list({ updatedSince: since ? new Date(since.getTime() - this.overlapMs) : undefined })) {
        const outcomes = await this.applyPage(page, locations);
        for (const [i, referral] of page.entries()) {
          counts.seen++;
          const outcome = outcomes[i];
          if (outcome === 'created') counts.created++;
          else if (outcome === 'updated' || outcome === 'refused') counts.updated++;
          const at = new Date(referral.updatedDateTime);
          if (!mark || at > mark) mark = at;
        }
        await this.store.recordPoll(now, { highWater: mark });
      }
      await this.store.recordPoll(now, { highWater: mark, error: null });
      return counts;
    } catch (err) {
      await this.store.recordPoll(now, { highWater: mark, error: reasonOf(err) });
      throw err;
    }
  }

  // -- outbound ---------------------------------------------------------------------------------------------------------

  /**
   * Sends what we changed since both sides last agreed. A deal made here is created in Partner Center first. 412:
   * their referral is read and applied (their changes win where our rules allow), and the job runs again at once to
   * decide ours against it.
   */
  async push(dealId: string, round = 1): Promise<'sent' | 'created' | 'nothing'> {
    const linked = await this.store.byDealId(dealId);
    if (!linked) return 'nothing';
    const { deal, link } = linked;
    if (!link) {
      const pcLocation = await this.store.partnerCenterIdOf(deal.locationId);
      const created = await this.client.create(createOf(deal, pcLocation));
      const theirs = theirsOf(created, () => deal.locationId);
      await this.store.afterPush(
        dealId,
        { eTag: null, version: deal.version },
        { referralId: created.id, engagementId: created.engagementId ?? null, eTag: created.eTag ?? null, updatedAt: new Date(created.updatedDateTime), base: { theirs, ours: oursOf(deal) } },
      );
      await this.refreshIfShown(deal.id, deal.version);
      return 'created';
    }
    const ours = oursOf(deal);
    const pending = pendingFields(link.base, ours);
    if (!pending.length) {
      if (await this.store.setState(dealId, 'synced', null)) await this.refreshIfShown(deal.id, deal.version);
      return 'nothing';
    }
    const patch = patchOf(pending, ours, deal);
    if (!Object.keys(patch).length) {
      await this.store.setState(dealId, 'synced', null);
      return 'nothing';
    }
    try {
      const updated = await this.client.update(link.referralId, patch, link.eTag ?? '*');
      const theirs = theirsOf(updated, () => deal.locationId);
      const { linked: ok } = await this.store.afterPush(
        dealId,
        { eTag: link.eTag, version: deal.version },
        { referralId: link.referralId, engagementId: updated.engagementId ?? link.engagementId, eTag: updated.eTag ?? null, updatedAt: new Date(updated.updatedDateTime), base: { theirs, ours } },
      );
      // Partner Center's newer version was applied while we sent ours: decide again on what is there now.
      if (!ok) return this.again(dealId, round, 'the referral changed while it was sent');
      return 'sent';
    } catch (err) {
      if (err instanceof PartnerCenterError && err.kind === 'stale') {
        await this.apply(PcReferralSchema.parse(await this.client.get(link.referralId)));
        return this.again(dealId, round, 'Partner Center had a newer version (412)');
      }
      throw err;
    }
  }

  /** Their newer version was applied: ours is decided again at once (a few rounds; a busy referral waits for the job's retry). */
  private again(dealId: string, round: number, why: string): Promise<'sent' | 'created' | 'nothing'> {
    if (round >= 3) throw new RetryAfter(0, `${why}; trying again later`);
    return this.push(dealId, round + 1);
  }

  /** A card shows a failed sync; when that changes, the posted copies follow. */
  private async refreshIfShown(dealId: string, version: number): Promise<void> {
    await this.jobs.enqueue([{ ...refreshCards({ id: dealId, version }, true) }]);
    this.jobs.kick();
  }

  // -- job listeners ----------------------------------------------------------------------------------------------------

  /** pc.push: retried with backoff on 429/5xx/timeouts (honouring Retry-After); a refusal or the last attempt fails it, visibly. */
  readonly onPush = async (job: Job, maxAttempts: number): Promise<void> => {
    const dealId = job.dealId!;
    try {
      await this.push(dealId);
    } catch (err) {
      if (err instanceof RetryAfter) throw err;
      const reason = reasonOf(err);
      const final = !(err instanceof PartnerCenterError && err.retryable) || job.attempts >= maxAttempts;
      const at = new Date().toISOString();
      const notice = (before: SyncNotice | null): SyncNotice => ({ code: 'failed', reason, at, since: before?.code === 'failed' ? (before.since ?? before.at) : at });
      const { changed } = await this.store.setStateReturning(dealId, final ? 'failed' : 'pending', notice);
      const linked = await this.store.byDealId(dealId);
      if (linked && (changed || job.attempts === 1)) await this.refreshIfShown(dealId, linked.deal.version);
      if (final) throw new GiveUp(`Partner Center push failed: ${reason}`);
      if (err instanceof PartnerCenterError && err.retryAfterMs !== undefined) throw new RetryAfter(err.retryAfterMs, `Partner Center asked to wait (${reason})`);
      throw err;
    }
  };

  /** pc.fetch: a webhook's referral. Retried while Partner Center is unavailable. */
  readonly onFetch = async (job: Job): Promise<void> => {
    const uri = String(job.payload.uri ?? '');
    try {
      await this.fetchAndApply(uri);
    } catch (err) {
      if (err instanceof PartnerCenterError && !err.retryable) throw new GiveUp(`Partner Center referral not read: ${err.kind}`);
      if (err instanceof PartnerCenterError && err.retryAfterMs !== undefined) throw new RetryAfter(err.retryAfterMs, err.kind);
      throw err;
    }
  };

  /** pc.poll: one poll, then the next one is scheduled (one chain across instances: the job's order key). */
  readonly onPoll = async (job: Job): Promise<void> => {
    const counts = await this.poll();
    if (counts.seen) this.logger.info({ ...counts, jobId: String(job.id) }, 'Partner Center poll');
    await this.jobs.enqueue([pollPartnerCenter(new Date(Date.now() + this.options.pollSeconds * 1000))]);
  };

  /** At start: a poll now, unless one is already waiting. */
  async startPolling(hasPollJob: () => Promise<boolean>): Promise<void> {
    if (!(await hasPollJob())) await this.jobs.enqueue([pollPartnerCenter()]);
    this.jobs.kick();
  }

  /** An admin mapped a location: the referrals that were waiting for it arrive now, routed as usual. */
  async locationMapped(pcLocationId: string): Promise<number> {
    let applied = 0;
    for (const waiting of await this.store.unmappedFor(pcLocationId)) {
      const parsed = PcReferralSchema.safeParse(waiting.referral);
      if (parsed.success && (await this.apply(parsed.data)) === 'created') applied++;
      await this.store.resolveUnmapped(waiting.id);
    }
    return applied;
  }
}
