import type { Prisma, PrismaClient } from '@prisma/client';
import type { LocationRecord, Person, Role, TeamsIdentity } from '../domain';
import { isUniqueViolation } from './prismaErrors';
import { sqlOf } from './sql';

/** People and locations: who a Teams user is in R1 terms (role + scope). */

export const userInclude = { locations: true } as const satisfies Prisma.UserInclude;
type UserRow = Prisma.UserGetPayload<{ include: typeof userInclude }>;

export function personOf(row: UserRow): Person {
  return {
    id: row.id,
    aadObjectId: row.aadObjectId,
    name: row.name,
    email: row.email,
    role: row.role,
    globalScope: row.globalScope,
    locationIds: row.locations.map((l) => l.locationId).sort(),
    timeZone: row.timeZone,
    locale: row.locale,
  };
}

const BY_AAD_OBJECT_ID = `SELECT u.id, u."aadObjectId", u.name, u.email, u.role::text AS role, u."globalScope", u."timeZone", u.locale,
  coalesce((SELECT array_agg(l."locationId" ORDER BY l."locationId") FROM "UserLocation" l WHERE l."userId" = u.id), '{}'::text[]) AS "locationIds"
  FROM "User" u WHERE u."aadObjectId" = $1`;

const one = (row: UserRow | null): Person | null => (row ? personOf(row) : null);

export class PeopleStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Records (or refreshes) a user seen in Teams; a user known by email first gets its AAD id attached. An email that
   * already belongs to another person's row is left off rather than failing the user's turn.
   */
  async ensureUser(who: TeamsIdentity): Promise<Person> {
    try {
      return await this.record(who);
    } catch (err) {
      if (!who.email || !isUniqueViolation(err)) throw err;
      return this.record({ ...who, email: null });
    }
  }

  private async record(who: TeamsIdentity): Promise<Person> {
    const email = who.email?.trim().toLowerCase() || null;
    const byAad = await this.prisma.user.findUnique({ where: { aadObjectId: who.aadObjectId }, include: userInclude });
    if (byAad) {
      if (byAad.name === who.name && (byAad.email === email || !email)) return personOf(byAad);
      return personOf(
        await this.prisma.user.update({ where: { id: byAad.id }, data: { name: who.name, ...(email ? { email } : {}) }, include: userInclude }),
      );
    }
    if (email) {
      const byEmail = await this.prisma.user.findUnique({ where: { email }, include: userInclude });
      if (byEmail) {
        return personOf(
          await this.prisma.user.update({ where: { id: byEmail.id }, data: { aadObjectId: who.aadObjectId, name: who.name }, include: userInclude }),
        );
      }
    }
    return personOf(
      await this.prisma.user.upsert({
        where: { aadObjectId: who.aadObjectId },
        create: { aadObjectId: who.aadObjectId, name: who.name, email },
        update: {},
        include: userInclude,
      }),
    );
  }

  async byId(id: string): Promise<Person | null> {
    return one(await this.prisma.user.findUnique({ where: { id }, include: userInclude }));
  }

  /** Every message and click starts here (issue 16): one prepared statement on the thin SQL path. */
  async byAadObjectId(aadObjectId: string): Promise<Person | null> {
    const rows = await sqlOf(this.prisma).query<Omit<Person, 'locationIds'> & { locationIds: string[] }>(BY_AAD_OBJECT_ID, [aadObjectId]);
    const row = rows[0];
    return row
      ? { id: row.id, aadObjectId: row.aadObjectId, name: row.name, email: row.email, role: row.role, globalScope: row.globalScope, locationIds: row.locationIds, timeZone: row.timeZone, locale: row.locale }
      : null;
  }

  /** The remembered time zones of these people (by Entra ID); those without one are left out. */
  async zonesOf(aadObjectIds: readonly string[]): Promise<Map<string, string>> {
    if (!aadObjectIds.length) return new Map();
    const rows = await this.prisma.user.findMany({ where: { aadObjectId: { in: [...aadObjectIds] }, timeZone: { not: null } }, select: { aadObjectId: true, timeZone: true } });
    return new Map(rows.map((r) => [r.aadObjectId as string, r.timeZone as string]));
  }

  async byEmail(email: string): Promise<Person | null> {
    return one(await this.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() }, include: userInclude }));
  }

  /** A known person by exact name (any case), only when the name is unique. */
  async byUniqueName(name: string): Promise<Person | null> {
    const rows = await this.prisma.user.findMany({ where: { name: { equals: name.trim(), mode: 'insensitive' } }, include: userInclude, take: 2 });
    return rows.length === 1 ? personOf(rows[0]!) : null;
  }

  /** Sets role and scope in one step (scope replaced, not merged). */
  async setRole(userId: string, role: Role | null, scope: { global: boolean; locations: string[] }): Promise<Person> {
    return this.prisma.$transaction(async (tx) => {
      await tx.userLocation.deleteMany({ where: { userId } });
      if (role && !scope.global && scope.locations.length) {
        await tx.userLocation.createMany({ data: scope.locations.map((locationId) => ({ userId, locationId })) });
      }
      return personOf(await tx.user.update({ where: { id: userId }, data: { role, globalScope: role ? scope.global : false }, include: userInclude }));
    });
  }

  async upsertLocation(id: string, name: string, country?: string | null): Promise<LocationRecord> {
    return this.prisma.location.upsert({
      where: { id },
      create: { id, name, country: country ?? null },
      update: { name, ...(country ? { country } : {}) },
      select: { id: true, name: true, country: true },
    });
  }

  async locations(): Promise<LocationRecord[]> {
    return this.prisma.location.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, country: true, timeZone: true } });
  }

  /** Remembers the time zone and locale Teams sent for a person (issue 14); called only when they changed. */
  async rememberReader(userId: string, reader: { timeZone?: string; locale?: string }): Promise<Person> {
    return personOf(await this.prisma.user.update({ where: { id: userId }, data: reader, include: userInclude }));
  }

  /** Everyone known, admins first, then users, then people without a role; by name within each. */
  async all(): Promise<Person[]> {
    const rows = await this.prisma.user.findMany({ include: userInclude, orderBy: [{ name: 'asc' }, { createdAt: 'asc' }] });
    const rank = (u: UserRow) => (u.role === 'admin' ? (u.globalScope ? 0 : 1) : u.role === 'user' ? 2 : 3);
    return rows.sort((a, b) => rank(a) - rank(b)).map(personOf);
  }

  /** Referrals admins, global ones first: the people a user without a role should ask. */
  async admins(): Promise<Person[]> {
    const rows = await this.prisma.user.findMany({ where: { role: 'admin' }, include: userInclude, orderBy: [{ globalScope: 'desc' }, { name: 'asc' }] });
    return rows.map(personOf);
  }

  /**
   * People with a role and a Teams identity whose scope holds the location (global ones included), oldest first:
   * the candidates for a deal card's per-user refresh. `adminsOnly` narrows to the admins (where referrals go).
   */
  async inScopeOf(locationId: string, opts: { adminsOnly?: boolean } = {}): Promise<Person[]> {
    const rows = await this.prisma.user.findMany({
      where: {
        role: opts.adminsOnly ? 'admin' : { not: null },
        aadObjectId: { not: null },
        OR: [{ globalScope: true }, { locations: { some: { locationId } } }],
      },
      include: userInclude,
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(personOf);
  }
}
