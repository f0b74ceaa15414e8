import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';
import {
  locationChangeRefusal,
  locationRemovalRefusal,
  normalizeGrant,
  refuseAdmin,
  roleChangeRefusal,
  type Actor,
  type AdminRefusal,
  type DomainEvent,
  type RoleGrant,
  type RoleHolder,
} from '../domain';
import { appendEvents } from '../store/dealStore';
import type { UserRow } from '../store/people';

/**
 * Administration (R1): locations, and people's roles and scopes. Every change is one transaction that also writes
 * an audit event (AuditEvent with dealId null). The rules are asked of src/domain (permissions.ts); this only
 * looks things up, applies what the rules allow, and records it.
 */

export const LocationIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash or underscore; at most 64');
export const LocationNameSchema = z.string().trim().min(1).max(200);
export const CountrySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO 3166 country code')
  .transform((s) => s.toUpperCase());

export const LocationInputSchema = z.object({
  id: LocationIdSchema,
  name: LocationNameSchema,
  country: CountrySchema.optional(),
});
export type LocationInput = z.infer<typeof LocationInputSchema>;

export type AdminFailure =
  | { kind: 'refused'; refusal: AdminRefusal }
  | { kind: 'unknownLocation'; id: string }
  | { kind: 'unknownPerson' };
export type AdminResult<T> = { ok: true; value: T } | { ok: false; failure: AdminFailure };

const ok = <T>(value: T): AdminResult<T> => ({ ok: true, value });
const failed = <T = never>(failure: AdminFailure): AdminResult<T> => ({ ok: false, failure });
const refused = <T = never>(refusal: AdminRefusal): AdminResult<T> => failed<T>({ kind: 'refused', refusal });

export type AdminEventType = 'LocationAdded' | 'LocationRenamed' | 'LocationRemoved' | 'RoleChanged' | 'AdminBootstrapped';

/** Audit rows share the deal events' table and writer; the deal machine's event union does not list these. */
export function adminEvent(type: AdminEventType, data: Record<string, unknown>): DomainEvent {
  return { type, data } as unknown as DomainEvent;
}

export function holderOf(user: UserRow): RoleHolder {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    scope: { global: user.globalScope, locations: user.locations.map((l) => l.locationId).sort() },
  };
}

export function grantOf(user: UserRow): RoleGrant {
  return normalizeGrant({ role: user.role, scope: holderOf(user).scope });
}

const userInclude = { locations: true } as const;

export interface RoleChange {
  user: UserRow;
  before: RoleGrant;
  after: RoleGrant;
  changed: boolean;
}

export interface LocationSummary {
  id: string;
  name: string;
  country: string | null;
  deals: number;
  people: number;
}

export class AdminService {
  constructor(private readonly prisma: PrismaClient) {}

  async locations(): Promise<LocationSummary[]> {
    const rows = await this.prisma.location.findMany({
      orderBy: { name: 'asc' },
      include: { _count: { select: { deals: true, scopes: true } } },
    });
    return rows.map((r) => ({ id: r.id, name: r.name, country: r.country, deals: r._count.deals, people: r._count.scopes }));
  }

  /** A location by its id (any case) or its exact name. */
  async findLocation(idOrName: string) {
    const key = idOrName.trim();
    if (!key) return null;
    return this.prisma.location.findFirst({
      where: { OR: [{ id: { equals: key, mode: 'insensitive' } }, { name: { equals: key, mode: 'insensitive' } }] },
    });
  }

  /** Where each location's referrals are posted (LocationRoute rows, linked by the referrals feature). */
  async routes() {
    return this.prisma.locationRoute.findMany({
      include: { location: true, conversation: true },
      orderBy: { locationId: 'asc' },
    });
  }

  async addLocation(actor: Actor, raw: unknown): Promise<AdminResult<LocationSummary>> {
    const denied = locationChangeRefusal(actor);
    if (denied) return refused(denied);
    const input = LocationInputSchema.parse(raw);
    return this.prisma.$transaction(async (tx) => {
      const clash = await tx.location.findFirst({ where: { id: { equals: input.id, mode: 'insensitive' } } });
      if (clash) return refused<LocationSummary>(refuseAdmin('LOCATION_EXISTS', { location: clash.id }));
      const row = await tx.location.create({ data: { id: input.id, name: input.name, country: input.country ?? null } });
      await appendEvents(tx, null, actor, [adminEvent('LocationAdded', { locationId: row.id, name: row.name, country: row.country })], new Date());
      return ok({ id: row.id, name: row.name, country: row.country, deals: 0, people: 0 });
    });
  }

  async renameLocation(actor: Actor, idOrName: string, rawName: unknown): Promise<AdminResult<{ id: string; before: string; after: string }>> {
    const denied = locationChangeRefusal(actor);
    if (denied) return refused(denied);
    const name = LocationNameSchema.parse(rawName);
    const found = await this.findLocation(idOrName);
    if (!found) return failed({ kind: 'unknownLocation', id: idOrName });
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.location.update({ where: { id: found.id }, data: { name } });
      await appendEvents(tx, null, actor, [adminEvent('LocationRenamed', { locationId: row.id, before: found.name, after: name })], new Date());
      return ok({ id: row.id, before: found.name, after: name });
    });
  }

  async removeLocation(actor: Actor, idOrName: string): Promise<AdminResult<{ id: string; name: string }>> {
    const denied = locationChangeRefusal(actor);
    if (denied) return refused(denied);
    const found = await this.findLocation(idOrName);
    if (!found) return failed({ kind: 'unknownLocation', id: idOrName });
    return this.prisma.$transaction(async (tx) => {
      // Lock the location so a deal created for it meanwhile cannot slip in between the count and the delete.
      await tx.$queryRaw`SELECT id FROM "Location" WHERE id = ${found.id} FOR UPDATE`;
      const deals = await tx.deal.count({ where: { locationId: found.id } });
      const scoped = await tx.user.findMany({ where: { locations: { some: { locationId: found.id } } }, orderBy: { name: 'asc' } });
      const refusal = locationRemovalRefusal(found.id, deals, scoped.map((u) => u.name));
      if (refusal) return refused<{ id: string; name: string }>(refusal);
      await tx.location.delete({ where: { id: found.id } });
      await appendEvents(tx, null, actor, [adminEvent('LocationRemoved', { locationId: found.id, name: found.name })], new Date());
      return ok({ id: found.id, name: found.name });
    });
  }

  /**
   * Gives `targetUserId` the role and scope of `grant` (scope replaced, not merged), if the rules allow. The global
   * admins are locked for the transaction, so two admins demoting each other at once cannot leave the company
   * without one.
   */
  async changeRole(actor: Actor, targetUserId: string, rawGrant: RoleGrant): Promise<AdminResult<RoleChange>> {
    const grant = normalizeGrant(rawGrant);
    return this.prisma.$transaction(async (tx) => {
      const globalAdmins = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "User" WHERE role = 'admin' AND "globalScope" = true FOR UPDATE`;
      const target = await tx.user.findUnique({ where: { id: targetUserId }, include: userInclude });
      if (!target) return failed<RoleChange>({ kind: 'unknownPerson' });
      if (grant.scope.locations.length) {
        const known = await tx.location.findMany({ where: { id: { in: grant.scope.locations } }, select: { id: true } });
        const missing = grant.scope.locations.find((l) => !known.some((k) => k.id === l));
        if (missing) return failed<RoleChange>({ kind: 'unknownLocation', id: missing });
      }
      const refusal = roleChangeRefusal(actor, holderOf(target), grant, globalAdmins.length);
      if (refusal) return refused<RoleChange>(refusal);
      const before = grantOf(target);
      if (JSON.stringify(before) === JSON.stringify(grant)) return ok({ user: target, before, after: grant, changed: false });
      const user = await applyGrant(tx, target.id, grant);
      await appendEvents(
        tx,
        null,
        actor,
        [adminEvent('RoleChanged', { userId: target.id, name: target.name, email: target.email, before, after: grant })],
        new Date(),
      );
      return ok({ user, before, after: grant, changed: true });
    });
  }

  /** The admin-side history of one person (role changes and bootstrap), oldest first. */
  async roleHistory(userId: string) {
    return this.prisma.auditEvent.findMany({
      where: { dealId: null, type: { in: ['RoleChanged', 'AdminBootstrapped'] }, data: { path: ['userId'], equals: userId } },
      orderBy: { id: 'asc' },
    });
  }
}

/** Writes role + scope (inside the caller's transaction). */
export async function applyGrant(tx: Prisma.TransactionClient, userId: string, grant: RoleGrant): Promise<UserRow> {
  await tx.userLocation.deleteMany({ where: { userId } });
  if (grant.role && !grant.scope.global && grant.scope.locations.length) {
    await tx.userLocation.createMany({ data: grant.scope.locations.map((locationId) => ({ userId, locationId })) });
  }
  return tx.user.update({
    where: { id: userId },
    data: { role: grant.role, globalScope: grant.role ? grant.scope.global : false },
    include: userInclude,
  });
}
