import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { SYSTEM, actorOf, adminEvent, type Actor, type Person } from '../domain';
import type { Logger } from '../log';
import { applyGrant } from './admin';
import { appendEvents } from './audit';
import { isUniqueViolation } from './prismaErrors';

/**
 * How a tenant gets its first Referrals admin, without anyone editing the database:
 *
 * - `BOOTSTRAP_ADMINS` lists AAD object ids or emails. A listed person becomes a global admin the first time the
 *   bot sees them — unless an admin has changed their role since (the audit log says so), so a demotion sticks.
 * - Without it, the first person who talks to the bot in personal chat while nobody is an admin is *offered* the
 *   role on a confirmation card. The offer is recorded in one BotState row (created once: a unique key, so two
 *   first messages at the same moment give one offer). Confirming locks that row, so of two confirmations at once
 *   exactly one makes an admin. Declining releases the offer for the next person.
 */

export const OFFER_KEY = 'cosell/bootstrap/adminOffer';

const OfferSchema = z.object({
  userId: z.string(),
  name: z.string(),
  offeredAt: z.string(),
  claimedAt: z.string().optional(),
});
export type AdminOffer = z.infer<typeof OfferSchema>;

export type ClaimOutcome =
  | { ok: true; user: Person }
  | { ok: false; reason: 'notOffered' | 'bootstrapDisabled' }
  | { ok: false; reason: 'adminExists'; admins: string[] };

export class Bootstrap {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: { BOOTSTRAP_ADMINS: readonly string[] },
    private readonly logger: Logger,
  ) {}

  /** The first-contact offer is off when BOOTSTRAP_ADMINS names the admins. */
  get offersEnabled(): boolean {
    return this.config.BOOTSTRAP_ADMINS.length === 0;
  }

  isListed(user: Pick<Person, 'aadObjectId' | 'email'>): boolean {
    const keys = new Set(this.config.BOOTSTRAP_ADMINS.map((k) => k.trim().toLowerCase()));
    return (!!user.aadObjectId && keys.has(user.aadObjectId.toLowerCase())) || (!!user.email && keys.has(user.email.toLowerCase()));
  }

  /** BOOTSTRAP_ADMINS: makes a listed person a global admin on first contact. Returns the user as it is now. */
  async applyListed(user: Person): Promise<Person> {
    if (!this.isListed(user) || (user.role === 'admin' && user.globalScope)) return user;
    return this.prisma.$transaction(async (tx) => {
      const history = await tx.auditEvent.findFirst({
        where: { dealId: null, type: { in: ['RoleChanged', 'AdminBootstrapped'] }, data: { path: ['userId'], equals: user.id } },
      });
      if (history) return user; // an admin (or an earlier bootstrap) already decided this person's role
      const promoted = await applyGrant(tx, user.id, { role: 'admin', scope: { global: true, locations: [] } });
      await appendEvents(tx, null, SYSTEM, [adminEvent('AdminBootstrapped', { userId: user.id, name: user.name, via: 'BOOTSTRAP_ADMINS' })], new Date());
      this.logger.info({ userId: user.id }, 'BOOTSTRAP_ADMINS: made a global Referrals admin');
      return promoted;
    });
  }

  private async adminNames(tx: Prisma.TransactionClient | PrismaClient = this.prisma): Promise<string[]> {
    const admins = await tx.user.findMany({ where: { role: 'admin' }, orderBy: [{ globalScope: 'desc' }, { name: 'asc' }], take: 5 });
    return admins.map((a) => a.name);
  }

  async currentOffer(): Promise<AdminOffer | null> {
    const row = await this.prisma.botState.findUnique({ where: { id: OFFER_KEY } });
    const parsed = row ? OfferSchema.safeParse(row.data) : null;
    return parsed?.success ? parsed.data : null;
  }

  /**
   * Whether this person (without a role, in personal chat) is offered the admin role: 'new' the first time,
   * 'pending' while their offer stands, null when someone else has it or an admin exists.
   */
  async offerFor(user: Person): Promise<'new' | 'pending' | null> {
    if (!this.offersEnabled || user.role !== null) return null;
    if ((await this.prisma.user.count({ where: { role: 'admin' } })) > 0) return null;
    const offer = await this.currentOffer();
    if (offer && !offer.claimedAt) return offer.userId === user.id ? 'pending' : null;
    // A claimed offer with no admin left (the database was edited by hand) no longer holds anyone back.
    if (offer) await this.prisma.botState.deleteMany({ where: { id: OFFER_KEY } });
    const data: AdminOffer = { userId: user.id, name: user.name, offeredAt: new Date().toISOString() };
    try {
      await this.prisma.botState.create({ data: { id: OFFER_KEY, data } });
      this.logger.info({ userId: user.id }, 'first contact on a fresh install: offered the admin role');
      return 'new';
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const winner = await this.currentOffer(); // someone else's first message got there first
      return winner?.userId === user.id && !winner.claimedAt ? 'pending' : null;
    }
  }

  /** The offered person confirms. One transaction with the offer row locked: concurrent confirmations make one admin. */
  async claim(user: Person): Promise<ClaimOutcome> {
    if (!this.offersEnabled) return { ok: false, reason: 'bootstrapDisabled' };
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ data: unknown }[]>`SELECT data FROM "BotState" WHERE id = ${OFFER_KEY} FOR UPDATE`;
      const parsed = rows[0] ? OfferSchema.safeParse(rows[0].data) : null;
      const offer = parsed?.success ? parsed.data : null;
      const admins = await this.adminNames(tx);
      if (admins.length > 0) return { ok: false, reason: 'adminExists', admins } satisfies ClaimOutcome;
      if (!offer || offer.userId !== user.id || offer.claimedAt) return { ok: false, reason: 'notOffered' } satisfies ClaimOutcome;
      const promoted = await applyGrant(tx, user.id, { role: 'admin', scope: { global: true, locations: [] } });
      const claimed: AdminOffer = { ...offer, claimedAt: new Date().toISOString() };
      await tx.botState.update({ where: { id: OFFER_KEY }, data: { data: claimed, etag: { increment: 1 } } });
      const actor: Actor = actorOf(promoted);
      await appendEvents(tx, null, actor, [adminEvent('AdminBootstrapped', { userId: user.id, name: user.name, via: 'firstContact' })], new Date());
      return { ok: true, user: promoted } satisfies ClaimOutcome;
    });
  }

  /** The offered person says "not me": the next person to talk to the bot is offered instead. */
  async decline(user: Person): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ data: unknown }[]>`SELECT data FROM "BotState" WHERE id = ${OFFER_KEY} FOR UPDATE`;
      const parsed = rows[0] ? OfferSchema.safeParse(rows[0].data) : null;
      if (!parsed?.success || parsed.data.userId !== user.id || parsed.data.claimedAt) return false;
      await tx.botState.delete({ where: { id: OFFER_KEY } });
      return true;
    });
  }

  /** Up to five admins to name on the "ask your admin" card. */
  async adminsToAsk(): Promise<string[]> {
    return this.adminNames();
  }
}
