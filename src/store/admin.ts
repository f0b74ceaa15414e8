import type { Prisma, PrismaClient } from '@prisma/client';
import {
  SYSTEM,
  adminEvent,
  adminFailed,
  adminOk,
  adminRefused,
  grantOf,
  holderOf,
  LocationInputSchema,
  LocationNameSchema,
  locationChangeRefusal,
  locationRemovalRefusal,
  normalizeGrant,
  refuseAdmin,
  roleChangeRefusal,
  type Actor,
  type AdminResult,
  type AuditEntry,
  type LocationInput,
  type LocationRecord,
  type LocationSummary,
  type Person,
  type RoleChange,
  type RoleGrant,
} from '../domain';
import { appendEvents } from './audit';
import { personOf, userInclude } from './people';

/**
 * Administration (R1): locations, and people's roles and scopes. Every change is one transaction that also writes
 * an audit event (AuditEvent with dealId null). The rules are asked of src/domain (permissions.ts); this only
 * looks things up, applies what the rules allow, and records it.
 */

export class AdminStore {
  constructor(private readonly prisma: PrismaClient) {}

  async locations(): Promise<LocationSummary[]> {
    const rows = await this.prisma.location.findMany({
      orderBy: { name: 'asc' },
      include: { _count: { select: { deals: true, scopes: true } } },
    });
    return rows.map((r) => ({ id: r.id, name: r.name, country: r.country, timeZone: r.timeZone, deals: r._count.deals, people: r._count.scopes }));
  }

  /** A location by its id (any case) or its exact name. */
  async findLocation(idOrName: string): Promise<LocationRecord | null> {
    const key = idOrName.trim();
    if (!key) return null;
    return this.prisma.location.findFirst({
      where: { OR: [{ id: { equals: key, mode: 'insensitive' } }, { name: { equals: key, mode: 'insensitive' } }] },
      select: { id: true, name: true, country: true },
    });
  }

  async addLocation(actor: Actor, raw: unknown): Promise<AdminResult<LocationSummary>> {
    const denied = locationChangeRefusal(actor);
    if (denied) return adminRefused(denied);
    const input = LocationInputSchema.parse(raw);
    return this.prisma.$transaction(async (tx) => {
      const clash = await tx.location.findFirst({ where: { id: { equals: input.id, mode: 'insensitive' } } });
      if (clash) return adminRefused<LocationSummary>(refuseAdmin('LOCATION_EXISTS', { location: clash.id }));
      const row = await tx.location.create({ data: { id: input.id, name: input.name, country: input.country ?? null, timeZone: input.timeZone ?? null } });
      await appendEvents(tx, null, actor, [adminEvent('LocationAdded', { locationId: row.id, name: row.name, country: row.country, timeZone: row.timeZone })], new Date());
      return adminOk({ id: row.id, name: row.name, country: row.country, timeZone: row.timeZone, deals: 0, people: 0 });
    });
  }

  async renameLocation(actor: Actor, idOrName: string, rawName: unknown): Promise<AdminResult<{ id: string; before: string; after: string }>> {
    const denied = locationChangeRefusal(actor);
    if (denied) return adminRefused(denied);
    const name = LocationNameSchema.parse(rawName);
    const found = await this.findLocation(idOrName);
    if (!found) return adminFailed({ kind: 'unknownLocation', id: idOrName });
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.location.update({ where: { id: found.id }, data: { name } });
      await appendEvents(tx, null, actor, [adminEvent('LocationRenamed', { locationId: row.id, before: found.name, after: name })], new Date());
      return adminOk({ id: row.id, before: found.name, after: name });
    });
  }

  /**
   * Issue 14: the zone a location's shared cards, reminders and day counts use (its Teams channel has no one reader).
   * Checked here too: an admin card's data is untrusted.
   */
  async setLocationZone(actor: Actor, idOrName: string, rawZone: unknown): Promise<AdminResult<{ id: string; name: string; before: string | null; after: string }>> {
    const denied = locationChangeRefusal(actor);
    if (denied) return adminRefused(denied);
    const zone = LocationInputSchema.shape.timeZone.unwrap().parse(rawZone);
    const found = await this.findLocation(idOrName);
    if (!found) return adminFailed({ kind: 'unknownLocation', id: idOrName });
    return this.prisma.$transaction(async (tx) => {
      const before = (await tx.location.findUniqueOrThrow({ where: { id: found.id }, select: { timeZone: true } })).timeZone;
      await tx.location.update({ where: { id: found.id }, data: { timeZone: zone } });
      await appendEvents(tx, null, actor, [adminEvent('LocationZoneSet', { locationId: found.id, before, after: zone })], new Date());
      return adminOk({ id: found.id, name: found.name, before, after: zone });
    });
  }

  async removeLocation(actor: Actor, idOrName: string): Promise<AdminResult<{ id: string; name: string }>> {
    const denied = locationChangeRefusal(actor);
    if (denied) return adminRefused(denied);
    const found = await this.findLocation(idOrName);
    if (!found) return adminFailed({ kind: 'unknownLocation', id: idOrName });
    return this.prisma.$transaction(async (tx) => {
      // Lock the location so a deal created for it meanwhile cannot slip in between the count and the delete.
      await tx.$queryRaw`SELECT id FROM "Location" WHERE id = ${found.id} FOR UPDATE`;
      const deals = await tx.deal.count({ where: { locationId: found.id } });
      const scoped = await tx.user.findMany({ where: { locations: { some: { locationId: found.id } } }, orderBy: { name: 'asc' } });
      const refusal = locationRemovalRefusal(found.id, deals, scoped.map((u) => u.name));
      if (refusal) return adminRefused<{ id: string; name: string }>(refusal);
      await tx.location.delete({ where: { id: found.id } });
      await appendEvents(tx, null, actor, [adminEvent('LocationRemoved', { locationId: found.id, name: found.name })], new Date());
      return adminOk({ id: found.id, name: found.name });
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
      const targetRow = await tx.user.findUnique({ where: { id: targetUserId }, include: userInclude });
      if (!targetRow) return adminFailed<RoleChange>({ kind: 'unknownPerson' });
      const target = personOf(targetRow);
      if (grant.scope.locations.length) {
        const known = await tx.location.findMany({ where: { id: { in: grant.scope.locations } }, select: { id: true } });
        const missing = grant.scope.locations.find((l) => !known.some((k) => k.id === l));
        if (missing) return adminFailed<RoleChange>({ kind: 'unknownLocation', id: missing });
      }
      const refusal = roleChangeRefusal(actor, holderOf(target), grant, globalAdmins.length);
      if (refusal) return adminRefused<RoleChange>(refusal);
      const before = grantOf(target);
      if (JSON.stringify(before) === JSON.stringify(grant)) return adminOk({ user: target, before, after: grant, changed: false });
      const user = await applyGrant(tx, target.id, grant);
      await appendEvents(
        tx,
        null,
        actor,
        [adminEvent('RoleChanged', { userId: target.id, name: target.name, email: target.email, before, after: grant })],
        new Date(),
      );
      return adminOk({ user, before, after: grant, changed: true });
    });
  }

  /** The admin-side history of one person (role changes and bootstrap), oldest first. */
  async roleHistory(userId: string): Promise<AuditEntry[]> {
    const rows = await this.prisma.auditEvent.findMany({
      where: { dealId: null, type: { in: ['RoleChanged', 'AdminBootstrapped'] }, data: { path: ['userId'], equals: userId } },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => ({ type: r.type, actorName: r.actorName, createdAt: r.createdAt, data: r.data }));
  }

  /** LOCATIONS_FILE: adds or renames the file's locations in one transaction, with audit events. */
  async applyLocations(rows: readonly LocationInput[], source: string): Promise<{ added: number; renamed: number }> {
    return applyLocations(this.prisma, rows, source);
  }
}

/** Writes role + scope (inside the caller's transaction). */
export async function applyGrant(tx: Prisma.TransactionClient, userId: string, grant: RoleGrant): Promise<Person> {
  await tx.userLocation.deleteMany({ where: { userId } });
  if (grant.role && !grant.scope.global && grant.scope.locations.length) {
    await tx.userLocation.createMany({ data: grant.scope.locations.map((locationId) => ({ userId, locationId })) });
  }
  return personOf(
    await tx.user.update({ where: { id: userId }, data: { role: grant.role, globalScope: grant.role ? grant.scope.global : false }, include: userInclude }),
  );
}

/** Adds or renames the file's locations in one transaction, with audit events. Returns how many changed. */
async function applyLocations(prisma: PrismaClient, rows: readonly LocationInput[], source: string): Promise<{ added: number; renamed: number }> {
  return prisma.$transaction(async (tx) => {
    let added = 0;
    let renamed = 0;
    const now = new Date();
    for (const r of rows) {
      const existing = await tx.location.findFirst({ where: { id: { equals: r.id, mode: 'insensitive' } } });
      if (!existing) {
        await tx.location.create({ data: { id: r.id, name: r.name, country: r.country ?? null, timeZone: r.timeZone ?? null } });
        await appendEvents(tx, null, SYSTEM, [adminEvent('LocationAdded', { locationId: r.id, name: r.name, country: r.country ?? null, source })], now);
        added++;
      } else if (existing.name !== r.name || (r.country && existing.country !== r.country) || (r.timeZone && existing.timeZone !== r.timeZone)) {
        await tx.location.update({ where: { id: existing.id }, data: { name: r.name, ...(r.country ? { country: r.country } : {}), ...(r.timeZone ? { timeZone: r.timeZone } : {}) } });
        await appendEvents(tx, null, SYSTEM, [adminEvent('LocationRenamed', { locationId: existing.id, before: existing.name, after: r.name, source })], now);
        renamed++;
      }
    }
    return { added, renamed };
  });
}

