import type { PrismaClient } from '@prisma/client';
import { DEFAULT_DOMAIN_CONFIG, actorOf, type IncomingReferral, type PersonActor, type Role } from '../../src/domain';
import { DealQueries } from '../../src/services/dealQueries';
import { createDealCommands } from '../../src/services/services';
import { DealReader } from '../../src/store/deals/queries';
import { PeopleStore } from '../../src/store/people';

/** Small, named test data: two locations, people in every role, a customer, and inputs that pass validation. */

export const TOKYO = 'contoso-jp-tokyo';
export const OSAKA = 'contoso-jp-osaka';

export function inDays(days: number, from = new Date()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export async function seedBasics(prisma: PrismaClient) {
  const people = new PeopleStore(prisma);
  await people.upsertLocation(TOKYO, 'Contoso Japan – Tokyo', 'JP');
  await people.upsertLocation(OSAKA, 'Contoso Japan – Osaka', 'JP');
  const customer = await prisma.customer.create({
    data: { name: 'Fabrikam Japan KK', searchName: 'fabrikam japan kk', city: 'Tokyo', country: 'JP', duns: '123456789' },
  });
  const person = async (key: string, name: string, role: Role | null, scope: { global: boolean; locations: string[] }) => {
    const user = await people.ensureUser({ aadObjectId: `aad-${key}`, name, email: `${key}@contoso.example` });
    return actorOf(await people.setRole(user.id, role, scope));
  };
  const actors = {
    admin: await person('admin', 'Aiko Admin', 'admin', { global: true, locations: [] }),
    tokyoAdmin: await person('tokyoadmin', 'Taro Tokyo-Admin', 'admin', { global: false, locations: [TOKYO] }),
    tokyoUser: await person('tokyouser', 'Yuki Tokyo', 'user', { global: false, locations: [TOKYO] }),
    tokyoUser2: await person('tokyouser2', 'Ken Tokyo', 'user', { global: false, locations: [TOKYO] }),
    osakaUser: await person('osakauser', 'Hana Osaka', 'user', { global: false, locations: [OSAKA] }),
    nobody: await person('nobody', 'Nobu Norole', null, { global: false, locations: [] }),
  } satisfies Record<string, PersonActor>;
  return { people, customer, actors };
}

export function memberOf(actor: PersonActor, phone = '+81 3 1234 5678') {
  return { name: actor.name, email: actor.email ?? `${actor.id}@contoso.example`, phone, userId: actor.id };
}

export function validCreateInput(customerId: string, actor: PersonActor, overrides: Record<string, unknown> = {}) {
  return {
    dealType: 'solutionAssessment',
    customerId,
    name: 'Fabrikam migration assessment',
    locationId: TOKYO,
    value: 1_500_000,
    currency: 'JPY',
    closeDate: inDays(60),
    notes: 'Customer wants to move 40 VMs to Azure.',
    team: [memberOf(actor)],
    assessmentType: 'Data and Infrastructure Migration',
    assessmentLocation: 'Tokyo HQ',
    consent: true,
    ...overrides,
  };
}

export function referral(overrides: Partial<IncomingReferral['sender']> = {}, createdAt = new Date()): IncomingReferral {
  const referralId = overrides.referralId ?? `ref-${Math.random().toString(36).slice(2)}`;
  return {
    deal: {
      dealType: 'solutionAssessment',
      name: 'Northwind cost optimisation',
      locationId: TOKYO,
      value: 2_000_000,
      currency: 'JPY',
      closeDate: inDays(45),
      assessmentType: 'Azure Cost Optimization',
      createdAt,
    },
    customer: { name: 'Northwind Traders KK', city: 'Tokyo', country: 'JP', duns: '987654321' },
    consent: { consentToShareInfoWithOthers: true, consentToContact: true },
    notes: 'Looking to cut Azure spend by 20 %.',
    sender: {
      key: 'microsoft',
      account: 'legacy',
      type: 'microsoft',
      name: 'Microsoft seller Sato',
      callbackUrl: 'https://callback.example/referrals',
      ...overrides,
      referralId,
    },
  };
}

/** The deal-command and deal-query services on this database, as one object (no app, no job worker). */
export function dealStore(prisma: PrismaClient) {
  const commands = createDealCommands({ prisma }, DEFAULT_DOMAIN_CONFIG);
  const queries = new DealQueries(new DealReader(prisma));
  return {
    execute: commands.execute.bind(commands),
    create: commands.create.bind(commands),
    receive: commands.receive.bind(commands),
    get: queries.get.bind(queries),
    list: queries.list.bind(queries),
    pipeline: queries.pipeline.bind(queries),
    notes: queries.notes.bind(queries),
    history: queries.history.bind(queries),
  };
}
