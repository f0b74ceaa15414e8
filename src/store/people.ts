import type { Prisma, PrismaClient } from '@prisma/client';
import type { PersonActor, Role } from '../domain';

/** People and locations: who a Teams user is in R1 terms (role + scope). */

const userInclude = { locations: true } as const satisfies Prisma.UserInclude;
export type UserRow = Prisma.UserGetPayload<{ include: typeof userInclude }>;

export function actorOf(user: UserRow): PersonActor {
  return {
    kind: 'user',
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    scope: { global: user.globalScope, locations: user.locations.map((l) => l.locationId) },
  };
}

export interface TeamsIdentity {
  aadObjectId: string;
  name: string;
  email?: string | null;
}

export class PeopleStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records (or refreshes) a user seen in Teams; a user known by email first gets its AAD id attached. */
  async ensureUser(who: TeamsIdentity): Promise<UserRow> {
    const email = who.email?.trim().toLowerCase() || null;
    const byAad = await this.prisma.user.findUnique({ where: { aadObjectId: who.aadObjectId }, include: userInclude });
    if (byAad) {
      if (byAad.name === who.name && (byAad.email === email || !email)) return byAad;
      return this.prisma.user.update({
        where: { id: byAad.id },
        data: { name: who.name, ...(email ? { email } : {}) },
        include: userInclude,
      });
    }
    if (email) {
      const byEmail = await this.prisma.user.findUnique({ where: { email }, include: userInclude });
      if (byEmail) {
        return this.prisma.user.update({
          where: { id: byEmail.id },
          data: { aadObjectId: who.aadObjectId, name: who.name },
          include: userInclude,
        });
      }
    }
    return this.prisma.user.upsert({
      where: { aadObjectId: who.aadObjectId },
      create: { aadObjectId: who.aadObjectId, name: who.name, email },
      update: {},
      include: userInclude,
    });
  }

  async byId(id: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { id }, include: userInclude });
  }

  async byAadObjectId(aadObjectId: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { aadObjectId }, include: userInclude });
  }

  /** Sets role and scope in one step (scope replaced, not merged). */
  async setRole(userId: string, role: Role | null, scope: { global: boolean; locations: string[] }): Promise<UserRow> {
    return this.prisma.$transaction(async (tx) => {
      await tx.userLocation.deleteMany({ where: { userId } });
      if (role && !scope.global && scope.locations.length) {
        await tx.userLocation.createMany({ data: scope.locations.map((locationId) => ({ userId, locationId })) });
      }
      return tx.user.update({
        where: { id: userId },
        data: { role, globalScope: role ? scope.global : false },
        include: userInclude,
      });
    });
  }

  async upsertLocation(id: string, name: string, country?: string | null) {
    return this.prisma.location.upsert({
      where: { id },
      create: { id, name, country: country ?? null },
      update: { name, ...(country ? { country } : {}) },
    });
  }

  async locations() {
    return this.prisma.location.findMany({ orderBy: { name: 'asc' } });
  }

  async byEmail(email: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() }, include: userInclude });
  }

  /** Everyone known, admins first, then users, then people without a role; by name within each. */
  async all(): Promise<UserRow[]> {
    const rows = await this.prisma.user.findMany({ include: userInclude, orderBy: [{ name: 'asc' }, { createdAt: 'asc' }] });
    const rank = (u: UserRow) => (u.role === 'admin' ? (u.globalScope ? 0 : 1) : u.role === 'user' ? 2 : 3);
    return rows.sort((a, b) => rank(a) - rank(b));
  }

  /** Referrals admins, global ones first: the people a user without a role should ask. */
  async admins(): Promise<UserRow[]> {
    return this.prisma.user.findMany({
      where: { role: 'admin' },
      include: userInclude,
      orderBy: [{ globalScope: 'desc' }, { name: 'asc' }],
    });
  }
}
