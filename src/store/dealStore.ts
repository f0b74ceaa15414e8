import { Prisma, type PrismaClient } from '@prisma/client';
import {
  createDeal,
  decide,
  receiveReferral,
  fieldError,
  refuse,
  visibilityFilter,
  accessRefusal,
  fail,
  ok,
  type Actor,
  type Command,
  type Context,
  type DealState,
  type Decision,
  type DomainConfig,
  type DomainEvent,
  type Effects,
  type Refusal,
  type Result,
  type Direction,
  type DealType,
  type Stage,
  type Status,
  type Substatus,
} from '../domain';
import { searchKey } from './searchKey';
import { dealInclude, fromDateOnly, mutableColumns, newDealColumns, registrationColumns, toDealState, type DealRow } from './dealMapping';

/**
 * The deal repository. Every command runs in one transaction: read, decide in src/domain, write the deal with
 * `WHERE version = expected`, write what the decision's effects require, append the audit events. A lost race
 * re-reads and decides again, so the loser gets the current reason ("already accepted by X"), and nothing changes.
 */

const recordInclude = { ...dealInclude, customer: true, location: { select: { name: true } } } as const satisfies Prisma.DealInclude;
type RecordRow = Prisma.DealGetPayload<{ include: typeof recordInclude }>;

export interface DealRecord extends DealState {
  number: number;
  /** The location's display name (cards show it; `locationId` is the key). */
  locationName: string;
  customer: {
    id: string;
    name: string;
    addressLine1: string | null;
    city: string | null;
    state: string | null;
    postalCode: string | null;
    country: string;
    duns: string | null;
  };
  contact: { name: string | null; phone: string | null; email: string | null; consent: boolean };
  /** Partner Center's consent flags of a received referral. */
  consent: { consentToShareInfoWithOthers: boolean; consentToContact: boolean };
  specialistNote: string | null;
  sender: {
    type: string | null;
    name: string | null;
    email: string | null;
    organizationName: string | null;
    referralId: string | null;
    callbackUrl: string | null;
  } | null;
  inviteNotes: string | null;
  createdAt: Date;
  updatedAt: Date;
  receivedAt: Date | null;
  remindersSent: number[];
}

function toRecord(row: RecordRow): DealRecord {
  return {
    ...toDealState(row),
    number: row.number,
    locationName: row.location.name,
    customer: {
      id: row.customer.id,
      name: row.customer.name,
      addressLine1: row.customer.addressLine1,
      city: row.customer.city,
      state: row.customer.state,
      postalCode: row.customer.postalCode,
      country: row.customer.country,
      duns: row.customer.duns,
    },
    contact: { name: row.contactName, phone: row.contactPhone, email: row.contactEmail, consent: row.contactConsent },
    consent: { consentToShareInfoWithOthers: row.consentToShareInfoWithOthers, consentToContact: row.consentToContact },
    specialistNote: row.specialistNote,
    sender:
      row.direction === 'inbound'
        ? {
            type: row.senderType,
            name: row.senderName,
            email: row.senderEmail,
            organizationName: row.senderOrgName,
            referralId: row.senderReferralId,
            callbackUrl: row.senderCallbackUrl,
          }
        : null,
    inviteNotes: row.inviteNotes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    receivedAt: row.receivedAt,
    remindersSent: row.remindersSent,
  };
}

export interface CommandOptions {
  now?: Date;
  today?: string;
  expectedVersion?: number;
}

export interface CommandOutcome {
  deal: DealRecord;
  events: DomainEvent[];
  effects: Effects;
}

export interface DealFilter {
  direction?: Direction;
  type?: DealType;
  status?: Status;
  substatus?: Substatus;
  stage?: Stage;
  locationId?: string;
  /** Name or customer name contains (case-insensitive). */
  q?: string;
  updatedSince?: Date;
  /** Only deals the actor created, accepted or is on the team of. */
  mine?: boolean;
  /** Any of these stages (a stage name can map to different stages of the two deal types). */
  stages?: Stage[];
  /** Any of these locations. */
  locationIds?: string[];
}

export interface Page<T> {
  items: T[];
  /** Opaque keyset cursor for the next page, absent on the last page. */
  next?: string;
}

export interface CustomerData {
  name: string;
  addressLine1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country: string;
  duns?: string | null;
}

export interface IncomingReferral {
  /** The domain's receive input (see ReceiveReferralSchema). */
  deal: { createdAt: Date } & Record<string, unknown>;
  customer: CustomerData;
  contact?: { name?: string | null; phone?: string | null; email?: string | null } | null;
  consent: { consentToShareInfoWithOthers: boolean; consentToContact: boolean };
  notes?: string | null;
  inviteNotes?: string | null;
  sender: {
    /** Who the sender is, for idempotency: Microsoft or the partner organisation's id. */
    key: string;
    referralId: string;
    type: 'microsoft' | 'partner';
    name: string;
    email?: string | null;
    organizationId?: string | null;
    organizationName?: string | null;
    callbackUrl?: string | null;
  };
}

class LostRace extends Error {}

/** Thrown inside a transaction to roll back the commands already written when a later one is refused. */
class RefusedInBatch extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.code);
  }
}

const MAX_ATTEMPTS = 5;

export class DealStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: DomainConfig,
  ) {}

  private ctx(opts: CommandOptions): Context {
    return { now: opts.now ?? new Date(), today: opts.today, config: this.config, expectedVersion: opts.expectedVersion };
  }

  /** A deal the actor may see, or NOT_FOUND (an invisible deal is indistinguishable from a missing one). */
  async get(id: string, actor: Actor): Promise<Result<DealRecord>> {
    const row = await this.findRow(this.prisma, id);
    if (!row) return fail(refuse('NOT_FOUND'));
    const record = toRecord(row);
    return accessRefusal(record, actor) ? fail(refuse('NOT_FOUND')) : ok(record);
  }

  /** By id or by the short number shown on cards. */
  private findRow(db: Prisma.TransactionClient | PrismaClient, idOrNumber: string): Promise<RecordRow | null> {
    if (/^\d{1,9}$/.test(idOrNumber)) {
      return db.deal.findUnique({ where: { number: Number(idOrNumber) }, include: recordInclude });
    }
    return db.deal.findUnique({ where: { id: idOrNumber }, include: recordInclude });
  }

  async execute(dealId: string, command: Command, actor: Actor, opts: CommandOptions = {}): Promise<Result<CommandOutcome>> {
    const ctx = this.ctx(opts);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.prisma.$transaction(async (tx) => {
          const row = await this.findRow(tx, dealId);
          if (!row) return fail<CommandOutcome>(refuse('NOT_FOUND'));
          const decided = decide(toRecord(row), command, actor, ctx);
          // A deal outside the actor's locations is indistinguishable from a missing one (R4: forged ids learn nothing).
          if (!decided.ok && decided.refusal.code === 'LOCATION_OUT_OF_SCOPE') return fail<CommandOutcome>(refuse('NOT_FOUND'));
          if (!decided.ok) return fail<CommandOutcome>(decided.refusal);
          await this.write(tx, row, decided.value, actor, ctx.now);
          // The decided state is what was written; only the customer and other fixed parts come from the row.
          const deal: DealRecord = { ...toRecord(row), ...decided.value.deal, updatedAt: ctx.now };
          return ok({ deal, events: decided.value.events, effects: decided.value.effects });
        });
      } catch (err) {
        // Someone else changed the deal between our read and our write: decide again on what is there now.
        if (err instanceof LostRace && attempt < MAX_ATTEMPTS) continue;
        if (err instanceof LostRace) return fail(refuse('STALE_VERSION'));
        throw err;
      }
    }
  }

  /**
   * Several commands on one deal as one unit (a REST PATCH with several operations): each is decided on the state
   * the previous one left, all in one transaction; the first refusal rolls everything back. `expectedVersion` is a
   * precondition checked before any decision (an If-Match), after visibility (R4: an invisible deal is NOT_FOUND).
   */
  async executeAll(dealId: string, commands: readonly Command[], actor: Actor, opts: CommandOptions = {}): Promise<Result<CommandOutcome>> {
    const ctx = this.ctx(opts);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.prisma.$transaction(async (tx) => {
          let row = await this.findRow(tx, dealId);
          if (!row || accessRefusal(toRecord(row), actor)) return fail<CommandOutcome>(refuse('NOT_FOUND'));
          if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== row.version) return fail<CommandOutcome>(refuse('STALE_VERSION'));
          const events: DomainEvent[] = [];
          const effects: Effects = { newNotes: [], completion: null, teamChanged: false, registrationChanged: false, notifySender: null };
          for (const command of commands) {
            const decided = decide(toRecord(row), command, actor, { ...ctx, expectedVersion: undefined });
            if (!decided.ok) throw new RefusedInBatch(decided.refusal.code === 'LOCATION_OUT_OF_SCOPE' ? refuse('NOT_FOUND') : decided.refusal);
            await this.write(tx, row, decided.value, actor, ctx.now);
            events.push(...decided.value.events);
            const e = decided.value.effects;
            effects.newNotes.push(...e.newNotes);
            effects.completion = e.completion ?? effects.completion;
            effects.teamChanged ||= e.teamChanged;
            effects.registrationChanged ||= e.registrationChanged;
            effects.notifySender = e.notifySender ?? effects.notifySender;
            row = (await this.findRow(tx, row.id)) as RecordRow;
          }
          return ok({ deal: toRecord(row), events, effects });
        });
      } catch (err) {
        if (err instanceof RefusedInBatch) return fail(err.refusal);
        if (err instanceof LostRace && attempt < MAX_ATTEMPTS) continue;
        if (err instanceof LostRace) return fail(refuse('STALE_VERSION'));
        throw err;
      }
    }
  }

  private async write(tx: Prisma.TransactionClient, row: RecordRow, decision: Decision, actor: Actor, now: Date): Promise<void> {
    const { deal, effects, events } = decision;
    const updated = await tx.deal.updateMany({
      where: { id: row.id, version: row.version },
      data: mutableColumns(deal, now),
    });
    if (updated.count !== 1) throw new LostRace();

    if (effects.newNotes.length) {
      await tx.dealNote.createMany({
        data: effects.newNotes.map((text) => ({
          dealId: row.id,
          text,
          authorId: actor.kind === 'system' ? null : actor.id,
          authorName: actor.name,
          createdAt: now,
        })),
      });
    }
    if (effects.completion) {
      await tx.stageCompletion.create({
        data: {
          dealId: row.id,
          stage: effects.completion.stage,
          completedById: effects.completion.byId,
          completedByName: effects.completion.byName,
          completedAt: effects.completion.at,
        },
      });
    }
    if (effects.teamChanged) {
      await tx.dealTeamMember.deleteMany({ where: { dealId: row.id } });
      await tx.dealTeamMember.createMany({
        data: deal.team.map((m, position) => ({ dealId: row.id, ...m, position })),
      });
    }
    if (effects.registrationChanged && deal.registration) {
      const columns = registrationColumns(deal.registration);
      await tx.registration.upsert({
        where: { dealId: row.id },
        create: { dealId: row.id, ...columns },
        update: columns,
      });
    }
    if (effects.notifySender) {
      await tx.notification.create({
        data: {
          dealId: row.id,
          kind: effects.notifySender,
          url: row.senderCallbackUrl,
          status: row.senderCallbackUrl ? 'pending' : 'noEndpoint',
          nextAttemptAt: now,
          payload: senderNotification(row, deal, effects.notifySender, now),
        },
      });
    }
    await appendEvents(tx, row.id, actor, events, now);
  }

  /** R8–R12: creates an outbound deal from the wizard's answers (validated again here, whatever the surface did). */
  async create(input: unknown, actor: Actor, opts: CommandOptions = {}): Promise<Result<DealRecord>> {
    const ctx = this.ctx(opts);
    const created = createDeal(input, actor, ctx);
    if (!created.ok) return created;
    const { deal, input: data, events } = created.value;
    return this.prisma.$transaction(async (tx) => {
      const [location, customer] = await Promise.all([
        tx.location.findUnique({ where: { id: data.locationId } }),
        tx.customer.findUnique({ where: { id: data.customerId } }),
      ]);
      const errors = [
        ...(location ? [] : [fieldError('locationId', 'invalidChoice')]),
        ...(customer ? [] : [fieldError('customerId', 'invalidChoice')]),
      ];
      if (errors.length) return fail<DealRecord>(refuse('INVALID_INPUT', {}, errors));
      const keepContact = data.contact.consent;
      const row = await tx.deal.create({
        data: {
          ...newDealColumns(deal),
          customerId: data.customerId,
          // R7: no contact detail is kept without the customer's consent.
          contactName: keepContact ? (data.contact.name ?? null) : null,
          contactPhone: keepContact ? (data.contact.phone ?? null) : null,
          contactEmail: keepContact ? (data.contact.email ?? null) : null,
          contactConsent: keepContact,
          specialistNote: data.specialistNote ?? null,
          createdByName: actor.name,
          acceptedAt: ctx.now,
          createdAt: ctx.now,
          updatedAt: ctx.now,
          team: { create: deal.team.map((m, position) => ({ ...m, position })) },
          notes: {
            create: {
              text: data.notes,
              authorId: actor.kind === 'system' ? null : actor.id,
              authorName: actor.name,
              createdAt: ctx.now,
            },
          },
        },
      });
      await appendEvents(tx, row.id, actor, events, ctx.now);
      const fresh = await this.findRow(tx, row.id);
      return ok(toRecord(fresh as RecordRow));
    });
  }

  /**
   * R14: stores an incoming referral as New / Received, idempotent on (sender, sender's referral id): a repeat returns
   * the stored deal with `created: false` instead of a duplicate.
   */
  async receive(referral: IncomingReferral, opts: CommandOptions = {}): Promise<Result<{ deal: DealRecord; created: boolean }>> {
    const ctx = this.ctx(opts);
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
        const customerId = await upsertCustomer(tx, referral.customer);
        const row = await tx.deal.create({
          data: {
            ...newDealColumns(deal),
            customerId,
            contactName: referral.contact?.name ?? null,
            contactPhone: referral.contact?.phone ?? null,
            contactEmail: referral.contact?.email ?? null,
            contactConsent: referral.consent.consentToShareInfoWithOthers,
            consentToShareInfoWithOthers: referral.consent.consentToShareInfoWithOthers,
            consentToContact: referral.consent.consentToContact,
            senderType: referral.sender.type,
            senderName: referral.sender.name,
            senderEmail: referral.sender.email ?? null,
            senderOrgId: referral.sender.organizationId ?? null,
            senderOrgName: referral.sender.organizationName ?? null,
            senderKey: referral.sender.key,
            senderReferralId: referral.sender.referralId,
            senderCallbackUrl: referral.sender.callbackUrl ?? null,
            inviteNotes: referral.inviteNotes ?? null,
            createdAt: referral.deal.createdAt,
            receivedAt: ctx.now,
            updatedAt: ctx.now,
            ...(referral.notes ? { notes: { create: { text: referral.notes, authorName: referral.sender.name, createdAt: ctx.now } } } : {}),
          },
        });
        await appendEvents(tx, row.id, { kind: 'system', id: 'system', name: referral.sender.name }, events, ctx.now);
        const fresh = await this.findRow(tx, row.id);
        return ok({ deal: toRecord(fresh as RecordRow), created: true });
      });
    } catch (err) {
      // Two deliveries of the same referral at once: the unique index lets one in; the other returns it.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        const again = await existing();
        if (again) return ok({ deal: toRecord(again), created: false });
      }
      throw err;
    }
  }

  /**
   * Deals the actor may see (R1–R3), newest first, with keyset paging on the deal number: stable under
   * concurrent inserts (new deals sort before the cursor) and cheap at any depth.
   */
  async list(actor: Actor, filter: DealFilter = {}, page: { limit?: number; cursor?: string } = {}): Promise<Page<DealRecord>> {
    const where = this.whereFor(actor, filter);
    if (!where) return { items: [] };
    const limit = Math.min(Math.max(page.limit ?? 20, 1), 100);
    const after = decodeCursor(page.cursor);
    const rows = await this.prisma.deal.findMany({
      where: after === undefined ? where : { AND: [where, { number: { lt: after } }] },
      include: recordInclude,
      orderBy: { number: 'desc' },
      take: limit + 1,
      // Joined relation loading would build the relations of every matching row before the LIMIT applies.
      relationLoadStrategy: 'query',
    });
    const items = rows.slice(0, limit).map(toRecord);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, next: encodeCursor(last.number) } : { items };
  }

  /** The Prisma filter for "what this actor may see", combined with the caller's filters. Null = nothing. */
  whereFor(actor: Actor, filter: DealFilter = {}): Prisma.DealWhereInput | null {
    const visibility = visibilityFilter(actor);
    if (visibility === 'none') return null;
    const and: Prisma.DealWhereInput[] = [];
    if (visibility.locations) and.push({ locationId: { in: visibility.locations } });
    const member = visibility.teamMember ?? (filter.mine && actor.kind !== 'system' ? { id: actor.id, email: actor.email?.toLowerCase() ?? null } : null);
    if (member) {
      const onTeam: Prisma.DealWhereInput[] = [
        { createdById: member.id },
        { acceptedById: member.id },
        { team: { some: { userId: member.id } } },
      ];
      if (member.email) onTeam.push({ team: { some: { email: { equals: member.email, mode: 'insensitive' } } } });
      // R3 with the New-referral rule of permissions.ts: an unanswered referral is visible to its location's users.
      and.push(visibility.teamMember && !filter.mine ? { OR: [{ status: 'New' }, ...onTeam] } : { OR: onTeam });
    }
    if (filter.direction) and.push({ direction: filter.direction });
    if (filter.type) and.push({ type: filter.type });
    if (filter.status) and.push({ status: filter.status });
    if (filter.substatus) and.push({ substatus: filter.substatus });
    if (filter.stage) and.push({ stage: filter.stage });
    if (filter.locationId) and.push({ locationId: filter.locationId });
    if (filter.stages) and.push({ stage: { in: filter.stages } });
    if (filter.locationIds) and.push({ locationId: { in: filter.locationIds } });
    if (filter.updatedSince) and.push({ updatedAt: { gte: filter.updatedSince } });
    if (filter.q) {
      and.push({
        OR: [
          { name: { contains: filter.q, mode: 'insensitive' } },
          { customer: { name: { contains: filter.q, mode: 'insensitive' } } },
        ],
      });
    }
    return and.length ? { AND: and } : {};
  }

  /** Note history, oldest first (R8: visible to the team). */
  async notes(dealId: string) {
    return this.prisma.dealNote.findMany({ where: { dealId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** The audit timeline of a deal, oldest first. */
  async history(dealId: string) {
    return this.prisma.auditEvent.findMany({ where: { dealId }, orderBy: { id: 'asc' } });
  }
}

/** Finds the directory entry by DUNS (or exact name + place) or adds it; returns its id. */
export async function upsertCustomer(tx: Prisma.TransactionClient, c: CustomerData): Promise<string> {
  const data = {
    name: c.name,
    searchName: searchKey(c.name),
    addressLine1: c.addressLine1 ?? null,
    city: c.city ?? null,
    state: c.state ?? null,
    postalCode: c.postalCode ?? null,
    country: c.country,
  };
  if (c.duns) {
    const row = await tx.customer.upsert({ where: { duns: c.duns }, create: { ...data, duns: c.duns }, update: {} });
    return row.id;
  }
  const same = await tx.customer.findFirst({ where: { name: c.name, country: c.country, city: data.city } });
  if (same) return same.id;
  return (await tx.customer.create({ data })).id;
}

export async function appendEvents(
  tx: Prisma.TransactionClient,
  dealId: string | null,
  actor: Actor,
  events: readonly DomainEvent[],
  now: Date,
): Promise<void> {
  if (!events.length) return;
  await tx.auditEvent.createMany({
    data: events.map((e) => ({
      dealId,
      actorId: actor.kind === 'system' ? null : actor.id,
      actorName: actor.name,
      type: e.type,
      data: e.data as Prisma.InputJsonValue,
      createdAt: now,
    })),
  });
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

function encodeCursor(n: number): string {
  return Buffer.from(`n:${n}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const m = /^n:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : undefined;
}
