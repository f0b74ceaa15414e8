import { Prisma, type PrismaClient } from '@prisma/client';
import {
  createDeal,
  decide,
  receiveReferral,
  fieldError,
  refuse,
  accessRefusal,
  fail,
  ok,
  type Actor,
  type Command,
  type CommandOutcome,
  type Context,
  type DealRecord,
  type DealState,
  type Decision,
  type DomainEvent,
  type Effects,
  type IncomingReferral,
  type NewCustomer,
  type Refusal,
  type Result,
  type SyncUpdate,
} from '../../domain';
import { appendEvents } from '../audit';
import { CustomerDirectory, upsertCustomers } from '../customers';
import { writeJobs, type JobSpec } from '../jobs';
import { isUniqueViolation } from '../prismaErrors';
import { syncColumns } from './sync';
import { receiveMany, referralColumns, type Received } from './intake';
import { sqlOf, type Sql } from '../sql';
import { readRecordRow } from './recordSql';
import { markShownSql, writeDecision, writeDecisionInOneStatement, writeJobsSql, writeSyncSql } from './writeSql';
import { newDealColumns, recordInclude, toNoteEntry, toRecord, type RecordRow } from './mapping';

/**
 * Writes deals. Every change is one transaction: read, decide in src/domain, write the deal with
 * `WHERE version = expected`, write what the decision's effects require, append the audit events, and write the
 * follow-up jobs the caller names — all or nothing. A lost race re-reads and decides again, so the loser gets the
 * current reason ("already accepted by X"), and nothing changes. Only src/services/dealCommands.ts calls this.
 */

export interface WriteOptions {
  /** The jobs that follow the committed change (card refreshes, announcements, pushes), written in its transaction. */
  followUps?: (outcome: CommandOutcome) => JobSpec[];
  /** The posted copy the change was made from: the invoke answer shows it the new state already. */
  viewedCopy?: { conversationId: string; activityId: string };
  /** An HTTP If-Match: the version the whole request is conditional on. */
  ifMatch?: number;
  /** Issue 13: what the change means for the deal's Partner Center sync, written in the same transaction. */
  sync?: (outcome: CommandOutcome) => SyncUpdate | null;
}

class LostRace extends Error {}

/** Thrown inside a transaction to roll back the commands already written when a later one is refused. */
class RefusedInBatch extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.code);
  }
}

const MAX_ATTEMPTS = 5;

const noEffects = (): Effects => ({ newNotes: [], completion: null, teamChanged: false, registrationChanged: false, notifySender: null });

/** By id or by the short number shown on cards. */
export function findRecordRow(db: Prisma.TransactionClient | PrismaClient, idOrNumber: string): Promise<RecordRow | null> {
  if (/^\d{1,9}$/.test(idOrNumber)) return db.deal.findUnique({ where: { number: Number(idOrNumber) }, include: recordInclude });
  return db.deal.findUnique({ where: { id: idOrNumber }, include: recordInclude });
}

export class DealRepository {
  private readonly sql: Sql;

  constructor(private readonly prisma: PrismaClient) {
    this.sql = sqlOf(prisma);
  }

  /**
   * Several commands on one deal as one unit (a card click is one; a REST PATCH may carry several): each is decided
   * on the state the previous one left, all in one transaction; the first refusal rolls everything back.
   */
  async execute(dealId: string, commands: readonly Command[], actor: Actor, ctx: Context, opts: WriteOptions = {}): Promise<Result<CommandOutcome>> {
    if (commands.length === 1) return this.executeOne(dealId, commands[0]!, actor, ctx, opts);
    for (let attempt = 1; ; attempt++) {
      try {
        // Issue 16: the hot path of every click, on the thin SQL path (src/store/sql.ts): one read, fixed writes.
        return await this.sql.transaction(async (tx) => {
          const row = await readRecordRow(tx, dealId);
          if (!row) return fail<CommandOutcome>(refuse('NOT_FOUND'));
          let deal: DealRecord = toRecord(row);
          // An HTTP If-Match is a precondition on the whole request, checked after visibility and before any rule.
          if (opts.ifMatch !== undefined) {
            if (accessRefusal(deal, actor)) return fail<CommandOutcome>(refuse('NOT_FOUND'));
            if (opts.ifMatch !== deal.version) return fail<CommandOutcome>(refuse('STALE_VERSION'));
          }
          const events: DomainEvent[] = [];
          const effects = noEffects();
          for (const [i, command] of commands.entries()) {
            // The version a card showed is checked by the machine, against the state before the first command.
            const decided = decide(deal, command, actor, i === 0 ? ctx : { ...ctx, expectedVersion: undefined });
            if (!decided.ok) {
              // A deal outside the actor's locations is indistinguishable from a missing one (R4: forged ids learn nothing).
              const refusal = decided.refusal.code === 'LOCATION_OUT_OF_SCOPE' ? refuse('NOT_FOUND') : decided.refusal;
              if (i === 0) return fail<CommandOutcome>(refusal);
              throw new RefusedInBatch(refusal);
            }
            const written = await writeDecision(tx, row, deal.version, decided.value, actor, ctx.now, (kind) => senderNotification(row, decided.value.deal, kind, ctx.now));
            if (!written) throw new LostRace();
            deal = next(deal, decided.value, actor, ctx.now);
            events.push(...decided.value.events);
            merge(effects, decided.value.effects);
          }
          const outcome: CommandOutcome = { deal, events, effects };
          if (opts.viewedCopy) await markShownSql(tx, deal.id, opts.viewedCopy, deal.version);
          await writeSyncSql(tx, deal.id, opts.sync?.(outcome));
          await writeJobsSql(tx, opts.followUps?.(outcome) ?? []);
          return ok(outcome);
        });
      } catch (err) {
        if (err instanceof RefusedInBatch) return fail(err.refusal);
        // Someone else changed the deal between our read and our write: decide again on what is there now.
        if (err instanceof LostRace && attempt < MAX_ATTEMPTS) continue;
        if (err instanceof LostRace) return fail(refuse('STALE_VERSION'));
        throw err;
      }
    }
  }

  /**
   * One command (every card click and chat command): one read of the deal, the decision, and the whole write as one
   * statement (writeDecisionInOneStatement) — one transaction in two round trips. The write is conditional on the
   * version that was read, so a change made in between makes it write nothing, and the command is decided again.
   */
  private async executeOne(dealId: string, command: Command, actor: Actor, ctx: Context, opts: WriteOptions): Promise<Result<CommandOutcome>> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const row = await readRecordRow(this.sql, dealId);
      if (!row) return fail(refuse('NOT_FOUND'));
      const before = toRecord(row);
      // An HTTP If-Match is a precondition on the whole request, checked after visibility and before any rule.
      if (opts.ifMatch !== undefined) {
        if (accessRefusal(before, actor)) return fail(refuse('NOT_FOUND'));
        if (opts.ifMatch !== before.version) return fail(refuse('STALE_VERSION'));
      }
      const decided = decide(before, command, actor, ctx);
      // A deal outside the actor's locations is indistinguishable from a missing one (R4: forged ids learn nothing).
      if (!decided.ok) return fail(decided.refusal.code === 'LOCATION_OUT_OF_SCOPE' ? refuse('NOT_FOUND') : decided.refusal);
      const deal = next(before, decided.value, actor, ctx.now);
      const outcome: CommandOutcome = { deal, events: [...decided.value.events], effects: merged(decided.value.effects) };
      const written = await writeDecisionInOneStatement(this.sql, {
        row,
        version: before.version,
        decision: decided.value,
        actor,
        now: ctx.now,
        notification: (kind) => senderNotification(row, decided.value.deal, kind, ctx.now),
        viewedCopy: opts.viewedCopy,
        sync: opts.sync?.(outcome),
        jobs: opts.followUps?.(outcome) ?? [],
      });
      if (written) return ok(outcome);
      // Someone else changed the deal between our read and our write: decide again on what is there now.
    }
    return fail(refuse('STALE_VERSION'));
  }

  /** R8–R12: creates an outbound deal from the wizard's answers (validated again here, whatever the surface did). */
  async create(input: unknown, actor: Actor, ctx: Context, opts: WriteOptions & { newCustomer?: NewCustomer } = {}): Promise<Result<DealRecord>> {
    const created = createDeal(input, actor, ctx);
    if (!created.ok) return created;
    const { deal, input: data, events } = created.value;
    return this.prisma.$transaction(async (tx) => {
      // A customer added in the wizard is written with the deal, so a refused deal leaves no customer behind.
      const customerId = opts.newCustomer
        ? (await new CustomerDirectory(tx as unknown as PrismaClient).upsert(opts.newCustomer)).customer.id
        : data.customerId;
      const [location, customer] = await Promise.all([
        tx.location.findUnique({ where: { id: data.locationId } }),
        tx.customer.findUnique({ where: { id: customerId } }),
      ]);
      const errors = [...(location ? [] : [fieldError('locationId', 'invalidChoice')]), ...(customer ? [] : [fieldError('customerId', 'invalidChoice')])];
      if (errors.length) return fail<DealRecord>(refuse('INVALID_INPUT', {}, errors));
      const row = await tx.deal.create({
        data: {
          // The contact as the domain keeps it (R7: no detail without the customer's consent) is in the state's columns.
          ...newDealColumns(deal),
          customerId,
          createdByName: actor.name,
          acceptedAt: ctx.now,
          createdAt: ctx.now,
          updatedAt: ctx.now,
          team: { create: deal.team.map((m, position) => ({ ...m, emailKey: m.email.toLowerCase(), position })) },
          notes: {
            create: { text: data.notes, authorId: actor.kind === 'system' ? null : actor.id, authorName: actor.name, createdAt: ctx.now },
          },
        },
        include: recordInclude,
      });
      await appendEvents(tx, row.id, actor, events, ctx.now);
      const record = toRecord(row);
      const outcome = { deal: record, events, effects: created.value.effects };
      await writeSync(tx, record.id, opts.sync?.(outcome));
      await writeJobs(tx, opts.followUps?.(outcome) ?? []);
      return ok(record);
    });
  }

  /** Jobs about a deal that follow no decision (an admin's retry), with what they mean for its sync. */
  async enqueue(jobs: readonly JobSpec[], dealId: string, sync?: SyncUpdate): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await writeSync(tx, dealId, sync);
      await writeJobs(tx, jobs);
    });
  }

  /**
   * R14: stores an incoming referral as New / Received, idempotent on (sender, sender's referral id): a repeat returns
   * the stored deal with `created: false` instead of a duplicate (and writes no follow-ups).
   */
  /** R14 for a page of referrals (Partner Center's poll): see ./intake.ts. */
  receiveMany(referrals: readonly IncomingReferral[], ctx: Context, opts: WriteOptions = {}): Promise<Result<Received>[]> {
    return receiveMany(this.prisma, referrals, ctx, opts.followUps);
  }

  async receive(referral: IncomingReferral, ctx: Context, opts: WriteOptions = {}): Promise<Result<{ deal: DealRecord; created: boolean }>> {
    const decided = receiveReferral(referral.deal, ctx);
    if (!decided.ok) return decided;
    const { deal, events } = decided.value;
    const existing = () =>
      this.prisma.deal.findUnique({
        where: { senderKey_senderReferralId: { senderKey: referral.sender.key, senderReferralId: referral.sender.referralId } },
        include: recordInclude,
      });
    const found = await existing();
    if (found) return ok({ deal: toRecord(found), created: false });
    try {
      return await this.prisma.$transaction(async (tx) => {
        const location = await tx.location.findUnique({ where: { id: deal.locationId } });
        if (!location) return fail<{ deal: DealRecord; created: boolean }>(refuse('INVALID_INPUT', {}, [fieldError('locationId', 'invalidChoice')]));
        // ON CONFLICT on the DUNS: two intakes of one company at once both find the one entry (Prisma's upsert raced).
        const customerId = (await upsertCustomers(tx, [referral.customer]))[0]!;
        const row = await tx.deal.create({
          data: {
            ...referralColumns(referral, deal, customerId, ctx.now),
            ...(referral.notes ? { notes: { create: { text: referral.notes, authorName: referral.sender.name, createdAt: ctx.now } } } : {}),
          },
          include: recordInclude,
        });
        await appendEvents(tx, row.id, { kind: 'system', id: 'system', name: referral.sender.name }, events, ctx.now);
        const record = toRecord(row);
        await writeJobs(tx, opts.followUps?.({ deal: record, events, effects: noEffects() }) ?? []);
        return ok({ deal: record, created: true });
      });
    } catch (err) {
      // Two deliveries of the same referral at once: the unique index lets one in; the other returns it.
      if (isUniqueViolation(err)) {
        const again = await existing();
        if (again) return ok({ deal: toRecord(again), created: false });
      }
      throw err;
    }
  }
}

async function writeSync(tx: Prisma.TransactionClient, dealId: string, update: SyncUpdate | null | undefined): Promise<void> {
  if (update) await tx.deal.update({ where: { id: dealId }, data: syncColumns(update) });
}

/** The record after a decision: the decided state over what was read; a new note becomes the latest. */
function next(before: DealRecord, decision: Decision, actor: Actor, now: Date): DealRecord {
  const note = decision.effects.newNotes.at(-1);
  return {
    ...before,
    ...decision.deal,
    updatedAt: now,
    latestNote: note
      ? toNoteEntry({ id: '', text: note, authorId: actor.kind === 'system' ? null : actor.id, authorName: actor.name, createdAt: now })
      : before.latestNote,
  };
}

function merged(e: Effects): Effects {
  const into = noEffects();
  merge(into, e);
  return into;
}

function merge(into: Effects, e: Effects): void {
  into.newNotes.push(...e.newNotes);
  into.completion = e.completion ?? into.completion;
  into.teamChanged ||= e.teamChanged;
  into.registrationChanged ||= e.registrationChanged;
  into.notifySender = e.notifySender ?? into.notifySender;
}

/** R28: what the sender's callback receives, in Partner Center's words. */
export function senderNotification(
  referral: { id: string; senderReferralId: string | null },
  deal: Pick<DealState, 'name' | 'status' | 'substatus' | 'closeReason' | 'closeMessage' | 'closedByName'>,
  kind: 'declined' | 'expired',
  now: Date,
) {
  return {
    event: kind === 'declined' ? 'referral.declined' : 'referral.expired',
    referralId: referral.senderReferralId,
    dealId: referral.id,
    name: deal.name,
    status: deal.status,
    substatus: deal.substatus,
    reason: deal.closeReason,
    message: deal.closeMessage,
    closedBy: deal.closedByName,
    occurredDateTime: now.toISOString(),
  };
}
