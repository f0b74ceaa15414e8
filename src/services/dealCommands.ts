import { PARTNER_CENTER, type Actor, type Command, type CommandOutcome, type Context, type DealRecord, type DomainConfig, type IncomingReferral, type NewCustomer, type PartnerCenterChange, type Result, type SyncUpdate } from '../domain';
import type { JobSpec } from '../store/jobs';
import type { DealRepository } from '../store/deals/repository';
import type { ExpiryStore } from '../store/expiry';
import { afterChange, afterCreate, afterPartnerCenter, afterReceive, JOB, pushToPartnerCenter, remindReferral, syncsWithPartnerCenter, CARDS_ORDER_KEY_TEMPLATE } from './followUps';

/**
 * The only way to change a deal, from any surface: card clicks and chat commands (bot/), the deals API (src/http),
 * referral intake, the expiry sweeper, and later the Partner Center sync. Each call decides through the state
 * machine and writes the change, its audit events and its follow-up jobs in one transaction
 * (src/store/deals/repository.ts, src/services/followUps.ts), then wakes the workers that run those jobs — after the
 * commit, never inside it, and never waiting for them: a hung Bot Connector delays a card refresh, not the request.
 */

export interface CommandOptions {
  now?: Date;
  /** Today (YYYY-MM-DD) in the actor's time zone, for "not in the past" rules. */
  today?: string;
  /** The deal version the actor's card showed (a stale card is refused by the machine). */
  expectedVersion?: number;
  /** An HTTP If-Match on the whole request, checked before any rule. */
  ifMatch?: number;
  /** The posted card copy the click came from: it gets the new state in the invoke answer, not from a job. */
  viewedCopy?: { conversationId: string; activityId: string };
}

/** Who is told after a commit that work is waiting. */
export interface CommitListener {
  /** Jobs were written. */
  jobs(): void;
  /** Sender notifications were written (R28: sent now, not at the next sweep). */
  notifications(): void;
}

export interface DealCommandsOptions {
  /** Issue 13: the Partner Center sync is configured — changes are pushed to Partner Center. */
  partnerCenter: boolean;
}

export class DealCommands {
  constructor(
    private readonly repo: DealRepository,
    private readonly expiry: ExpiryStore,
    private readonly domain: DomainConfig,
    private readonly committed: CommitListener,
    private readonly options: DealCommandsOptions = { partnerCenter: false },
  ) {}

  /** A change made here that Partner Center must hear of: the push job, and the deal marked as waiting for it. */
  private pushes = (outcome: CommandOutcome): JobSpec[] =>
    this.options.partnerCenter && syncsWithPartnerCenter(outcome.deal) ? [pushToPartnerCenter(outcome.deal.id)] : [];

  private pending = (outcome: CommandOutcome): SyncUpdate | null =>
    this.options.partnerCenter && syncsWithPartnerCenter(outcome.deal) ? { state: 'pending' } : null;

  private ctx(opts: CommandOptions): Context {
    return { now: opts.now ?? new Date(), today: opts.today, config: this.domain, expectedVersion: opts.expectedVersion };
  }

  /** One command, or several as one unit (a REST PATCH), on an existing deal. */
  async execute(dealId: string, command: Command | readonly Command[], actor: Actor, opts: CommandOptions = {}): Promise<Result<CommandOutcome>> {
    const commands = Array.isArray(command) ? command : [command as Command];
    const result = await this.repo.execute(dealId, commands, actor, this.ctx(opts), {
      followUps: (outcome) => [...afterChange(outcome), ...this.pushes(outcome)],
      sync: this.pending,
      viewedCopy: opts.viewedCopy,
      ifMatch: opts.ifMatch,
    });
    if (result.ok) {
      this.committed.jobs();
      if (result.value.effects.notifySender) this.committed.notifications();
    }
    return result;
  }

  /** R8–R12: the wizard's Create. A new directory entry for the customer is written in the same transaction. */
  async create(input: unknown, actor: Actor, opts: CommandOptions & { newCustomer?: NewCustomer } = {}): Promise<Result<DealRecord>> {
    const result = await this.repo.create(input, actor, this.ctx(opts), {
      followUps: (outcome) => [...afterCreate(outcome), ...this.pushes(outcome)],
      sync: this.pending,
      newCustomer: opts.newCustomer,
    });
    if (result.ok) this.committed.jobs();
    return result;
  }

  /** R14: a referral from the intake API (idempotent on the sender's referral id); its card is posted by a job. */
  async receive(referral: IncomingReferral, opts: CommandOptions = {}): Promise<Result<{ deal: DealRecord; created: boolean }>> {
    const result = await this.repo.receive(referral, this.ctx(opts), { followUps: afterReceive });
    if (result.ok && result.value.created) this.committed.jobs();
    return result;
  }

  /** R14 for a page of Partner Center's poll: one transaction for all of them; an outcome per referral, in order. */
  async receiveMany(referrals: readonly IncomingReferral[], opts: CommandOptions = {}): Promise<Result<{ deal: DealRecord; created: boolean }>[]> {
    const results = referrals.length ? await this.repo.receiveMany(referrals, this.ctx(opts), { followUps: afterReceive }) : [];
    if (results.some((r) => r.ok && r.value.created)) this.committed.jobs();
    return results;
  }

  /**
   * Issue 13: what Partner Center changed on a referral we have, decided by the state machine as the Partner Center
   * actor; `sync` records the new eTag and merge base (and any notice) in the same transaction. Nothing is pushed
   * back: their values are now the agreed ones.
   */
  async applyFromPartnerCenter(dealId: string, change: PartnerCenterChange, sync: (outcome: CommandOutcome) => SyncUpdate, opts: CommandOptions = {}): Promise<Result<CommandOutcome>> {
    const result = await this.repo.execute(dealId, [{ type: 'partnerCenterUpdate', input: change }], PARTNER_CENTER, this.ctx(opts), {
      followUps: afterPartnerCenter,
      sync,
    });
    if (result.ok) this.committed.jobs();
    return result;
  }

  /** Issue 13: send a deal to Partner Center again (an admin's Retry on a failed push). */
  async retryPush(dealId: string): Promise<void> {
    await this.repo.enqueue([pushToPartnerCenter(dealId)], dealId, { state: 'pending' });
    this.committed.jobs();
  }

  /**
   * R17: expires one batch of due referrals set-wise (the domain's EXPIRY rule), with their sender notifications and
   * the refresh of their posted cards. Returns the expired deal ids; fewer than `limit` means none are left.
   */
  async expireDue(now: Date, limit: number): Promise<string[]> {
    const expired = await this.expiry.expireDue(now, limit, { kind: JOB.refreshCards, orderKeyTemplate: CARDS_ORDER_KEY_TEMPLATE });
    if (expired.length) {
      this.committed.jobs();
      this.committed.notifications();
    }
    return expired;
  }

  /** R17: the reminders due at `now` for `reminderDays` (e.g. [3, 1]), each claimed once and posted by a job. */
  async remindDue(now: Date, reminderDays: readonly number[]): Promise<{ dealId: string; daysBefore: number }[]> {
    if (!reminderDays.length) return [];
    const DAY_MS = 86_400_000;
    const horizon = new Date(now.getTime() + Math.max(...reminderDays) * DAY_MS);
    const reminded: { dealId: string; daysBefore: number }[] = [];
    for (const deal of await this.expiry.open(now, horizon)) {
      const left = (deal.expiresAt.getTime() - now.getTime()) / DAY_MS;
      // Every reminder whose day has come; after downtime several may be due, and one message covers them.
      const due = reminderDays.filter((d) => left <= d && !deal.remindersSent.includes(d));
      if (!due.length) continue;
      const daysBefore = Math.min(...due);
      if (await this.expiry.claimReminder(deal.id, daysBefore, due, remindReferral(deal.id, Math.ceil(left)))) {
        reminded.push({ dealId: deal.id, daysBefore });
      }
    }
    if (reminded.length) this.committed.jobs();
    return reminded;
  }
}
