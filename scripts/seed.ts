import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { RoleSchema, actorOf, type Actor, type Command, type CustomerData, type IncomingReferral, type PersonActor } from '../src/domain';
import { loadConfig } from '../src/config';
import { createDealCommands, domainConfigOf } from '../src/services/services';
import { silentLogger, type Logger } from '../src/log';
import { loadDemoCustomersIfEmpty, upsertCustomers } from '../src/store/customers';
import { openDatabase, type Database } from '../src/store/database';
import { PeopleStore } from '../src/store/people';

/**
 * `npm run seed`: demo data so every card can be seen — three locations, an admin and two users in different
 * locations, a small customer directory, and deals in every state (solution assessment and co-sell at several
 * stages, won, lost, a registration waiting for review, new referrals, and declined, expired and accepted ones).
 * Every deal goes through the deal-command service, exactly as the bot's would (a running bot then posts the new
 * referrals' cards). Idempotent: each deal has a
 * fixed key (CRM id for our own deals, the sender's referral id for referrals), so a second run adds nothing.
 * Opens the database with openDatabase, so a running server's lock on the data directory stops it cleanly.
 */

export const DEMO_LOCATIONS = [
  { id: 'contoso-tokyo', name: 'Contoso Japan – Tokyo', country: 'JP' },
  { id: 'contoso-osaka', name: 'Contoso Japan – Osaka', country: 'JP' },
  { id: 'contoso-seattle', name: 'Contoso US – Seattle', country: 'US' },
] as const;

const [TOKYO, OSAKA] = [DEMO_LOCATIONS[0].id, DEMO_LOCATIONS[1].id];

export const DemoUserSchema = z.object({
  aadObjectId: z.string().min(1),
  name: z.string().min(1),
  email: z.email().optional(),
  role: RoleSchema,
  global: z.boolean().default(false),
  locations: z.array(z.string()).default([]),
});
export type DemoUser = z.input<typeof DemoUserSchema>;

export const DEMO_USERS: readonly DemoUser[] = [
  { aadObjectId: 'demo-admin', name: 'Aiko Admin', email: 'aiko.admin@contoso.example', role: 'admin', global: true },
  { aadObjectId: 'demo-yuki', name: 'Yuki Tanaka', email: 'yuki.tanaka@contoso.example', role: 'user', locations: [TOKYO] },
  { aadObjectId: 'demo-hana', name: 'Hana Kobayashi', email: 'hana.kobayashi@contoso.example', role: 'user', locations: [OSAKA] },
];

// DUNS numbers outside the demo directory's (prisma/demo/customers.csv numbers JP companies 690000001…, US ones
// 10…): customers are upserted on DUNS, so a shared number would hang these deals on a directory company.
const CUSTOMERS = {
  fabrikam: { name: 'Fabrikam Japan KK', city: 'Tokyo', country: 'JP', duns: '699000001' },
  northwind: { name: 'Northwind Traders KK', city: 'Osaka', country: 'JP', duns: '699000002' },
  tailspin: { name: 'Tailspin Toys 株式会社', city: 'Tokyo', country: 'JP', duns: '699000003' },
  wingtip: { name: 'Wingtip Toys', city: 'Seattle', state: 'WA', country: 'US', duns: '699000004' },
  adatum: { name: 'A. Datum Corporation', city: 'Osaka', country: 'JP', duns: '699000005' },
} satisfies Record<string, CustomerData>;

const DAY = 86_400_000;
const dateIn = (now: Date, days: number) => new Date(now.getTime() + days * DAY).toISOString().slice(0, 10);
const SYSTEM: Actor = { kind: 'system', id: 'system', name: 'cosell-bot' };

export interface SeedOptions {
  now?: Date;
  /** More people with roles, e.g. the Agents Playground's test user. */
  extraUsers?: readonly DemoUser[];
}

export interface SeedSummary {
  locations: number;
  users: number;
  customers: number;
  deals: number;
  /** Deals this run added (0 on a repeat run). */
  added: number;
}

export async function seedDemo(prisma: PrismaClient, domain = domainConfigOf(loadConfig({})), opts: SeedOptions = {}): Promise<SeedSummary> {
  const now = opts.now ?? new Date();
  const today = dateIn(now, 0);
  const people = new PeopleStore(prisma);
  const deals = createDealCommands({ prisma }, domain);
  let added = 0;

  for (const l of DEMO_LOCATIONS) await people.upsertLocation(l.id, l.name, l.country);
  const actors: Record<string, PersonActor> = {};
  for (const raw of [...DEMO_USERS, ...(opts.extraUsers ?? [])]) {
    const u = DemoUserSchema.parse(raw);
    const user = await people.ensureUser({ aadObjectId: u.aadObjectId, name: u.name, email: u.email });
    actors[u.aadObjectId] = actorOf(await people.setRole(user.id, u.role, { global: u.global, locations: u.locations }));
  }
  const admin = actors['demo-admin'] as PersonActor;
  const yuki = actors['demo-yuki'] as PersonActor;
  const hana = actors['demo-hana'] as PersonActor;

  const customerIds: Record<keyof typeof CUSTOMERS, string> = {} as never;
  for (const [key, c] of Object.entries(CUSTOMERS)) {
    customerIds[key as keyof typeof CUSTOMERS] = (await prisma.$transaction((tx) => upsertCustomers(tx, [c])))[0]!;
  }

  const must = <T>(result: { ok: true; value: T } | { ok: false; refusal: { code: string; fieldErrors?: unknown } }, what: string): T => {
    if (!result.ok) throw new Error(`seed: ${what} refused: ${result.refusal.code} ${JSON.stringify(result.refusal.fieldErrors ?? [])}`);
    return result.value;
  };
  const run = async (dealId: string, actor: Actor, ...commands: Command[]) => {
    for (const command of commands) must(await deals.execute(dealId, command, actor, { now, today }), `${command.type} on ${dealId}`);
  };
  const member = (a: PersonActor, phone: string) => ({ name: a.name, email: a.email ?? `${a.id}@contoso.example`, phone, userId: a.id });

  /** One of our own deals, created once (keyed by its CRM id), then moved with `then`. */
  const outbound = async (crmId: string, actor: PersonActor, input: Record<string, unknown>, then: Command[] = [], by: Actor = actor) => {
    if (await prisma.deal.findFirst({ where: { crmId }, select: { id: true } })) return;
    const deal = must(
      await deals.create({ crmId, currency: 'JPY', consent: true, team: [member(actor, '+81 3 1234 5678')], ...input }, actor, { now, today }),
      `create ${crmId}`,
    );
    await run(deal.id, by, ...then);
    added++;
  };

  /** A referral received once (keyed by the sender's referral id), then answered with `then`. */
  const inbound = async (referralId: string, customer: CustomerData, deal: Record<string, unknown>, then: (id: string) => Promise<void> = async () => {}) => {
    const referral: IncomingReferral = {
      deal: { currency: 'JPY', closeDate: dateIn(now, 60), createdAt: now, ...deal },
      customer,
      contact: { name: 'Kenji Sato', email: 'kenji.sato@customer.example', phone: '+81 3 5555 0100' },
      consent: { consentToShareInfoWithOthers: true, consentToContact: true },
      notes: 'Referred by the Microsoft account team.',
      sender: { key: 'microsoft', account: 'legacy', referralId, type: 'microsoft', name: 'Microsoft seller Mori', email: 'mori@microsoft.example' },
    };
    const received = must(await deals.receive(referral, { now, today }), `receive ${referralId}`);
    if (!received.created) return;
    await then(received.deal.id);
    added++;
  };

  const sa = { dealType: 'solutionAssessment', assessmentType: 'Data and Infrastructure Migration', assessmentLocation: 'Customer HQ' };
  const cosell = { dealType: 'coSell', solutions: [{ id: 'azure-migrate', name: 'Azure Migrate and Modernize' }] };
  const stage = (s: string): Command => ({ type: 'completeStage', input: { stage: s } });

  // Solution assessment deals: just created, halfway through its four stages, and won with a registration to review.
  await outbound('DEMO-SA-1', yuki, { ...sa, customerId: customerIds.fabrikam, name: 'Fabrikam datacenter exit assessment', locationId: TOKYO, value: 1_500_000, closeDate: dateIn(now, 60), notes: '40 VMs to assess for Azure.' });
  await outbound('DEMO-SA-2', yuki, { ...sa, customerId: customerIds.tailspin, name: 'Tailspin cost optimisation assessment', locationId: TOKYO, value: 900_000, closeDate: dateIn(now, 45), notes: 'Cut run costs before the fiscal year end.', assessmentType: 'Azure Cost Optimization' }, [stage('secureCustomerLoe'), stage('collectData')]);
  await outbound('DEMO-SA-3', hana, { ...sa, customerId: customerIds.northwind, name: 'Northwind SAP migration assessment', locationId: OSAKA, value: 3_200_000, closeDate: dateIn(now, 30), notes: 'SAP on Azure readiness.' }, [
    stage('secureCustomerLoe'),
    stage('collectData'),
    stage('prepareAssessmentReport'),
    stage('presentToCustomer'),
    { type: 'win' },
    {
      type: 'register',
      input: { contractValue: 3_000_000, currency: 'JPY', contractSignedDate: today, contractStartDate: dateIn(now, 7), contractEndDate: dateIn(now, 372), deployedOnAzure: true, marketplaceTransaction: false, notes: 'Three-year migration contract.' },
    },
  ]);

  // Co-sell deals: in progress at Proposed, won, and lost.
  await outbound('DEMO-CS-1', yuki, { ...cosell, customerId: customerIds.fabrikam, name: 'Fabrikam Azure landing zone', locationId: TOKYO, value: 12_000_000, closeDate: dateIn(now, 90), notes: 'Landing zone and migration factory.' }, [{ type: 'setStage', input: { stage: 'proposed' } }]);
  await outbound('DEMO-CS-2', hana, { ...cosell, customerId: customerIds.adatum, name: 'A. Datum analytics platform', locationId: OSAKA, value: 8_000_000, closeDate: dateIn(now, 20), notes: 'Fabric and Power BI rollout.' }, [{ type: 'setStage', input: { stage: 'negotiated' } }, { type: 'win' }]);
  await outbound('DEMO-CS-3', admin, { ...cosell, customerId: customerIds.wingtip, name: 'Wingtip e-commerce modernisation', locationId: DEMO_LOCATIONS[2].id, value: 5_000_000, currency: 'USD', closeDate: dateIn(now, 40), notes: 'AKS re-platforming.' }, [
    { type: 'lose', input: { reason: 'customerChoseAnotherVendor', note: 'Went with an incumbent partner.' } },
  ]);

  // Referrals: two waiting for an answer, one accepted, one declined, one expired unanswered.
  await inbound('DEMO-REF-1', CUSTOMERS.tailspin, { dealType: 'solutionAssessment', name: 'Tailspin modern workplace assessment', locationId: TOKYO, value: 2_000_000, assessmentType: 'Azure Foundations' });
  await inbound('DEMO-REF-2', CUSTOMERS.northwind, { dealType: 'coSell', name: 'Northwind data platform', locationId: OSAKA, value: 6_500_000, solutions: [{ id: 'fabric', name: 'Microsoft Fabric' }] });
  await inbound('DEMO-REF-3', CUSTOMERS.fabrikam, { dealType: 'coSell', name: 'Fabrikam security uplift', locationId: TOKYO, value: 4_000_000 }, (id) =>
    run(id, yuki, { type: 'accept', input: { name: 'Fabrikam security uplift', value: 4_200_000, closeDate: dateIn(now, 75), notes: 'Accepted; kickoff next week.', team: [member(yuki, '+81 3 1234 5678')] } }),
  );
  await inbound('DEMO-REF-4', CUSTOMERS.adatum, { dealType: 'coSell', name: 'A. Datum call-centre AI', locationId: OSAKA, value: 1_000_000 }, (id) =>
    run(id, hana, { type: 'decline', input: { reason: 'timelineTooShort', message: 'Cannot staff it before the deadline.' } }),
  );
  await inbound('DEMO-REF-5', CUSTOMERS.wingtip, { dealType: 'coSell', name: 'Wingtip loyalty app', locationId: TOKYO, value: 700_000, createdAt: new Date(now.getTime() - (domain.responseDays + 2) * DAY) }, (id) =>
    run(id, SYSTEM, { type: 'expire' }),
  );

  const [locations, users, customers, dealCount] = await Promise.all([prisma.location.count(), prisma.user.count(), prisma.customer.count(), prisma.deal.count()]);
  return { locations, users, customers, deals: dealCount, added };
}

/**
 * The demo data on a database that also gets the demo customer directory, as `npm start` gives a fresh database.
 * The directory is loaded only while empty, so it comes first: seeded after the demo deals it would never load.
 */
export async function seedDemoWithDirectory(prisma: PrismaClient, domain = domainConfigOf(loadConfig({})), opts: SeedOptions = {}, logger: Logger = silentLogger()): Promise<SeedSummary> {
  await loadDemoCustomersIfEmpty(prisma, logger);
  return seedDemo(prisma, domain, opts);
}

/** Opens the database (taking the data-directory lock, as the server does), seeds it, closes it. */
export async function openAndSeed(url: string, opts: SeedOptions = {}): Promise<SeedSummary> {
  const config = loadConfig();
  const db: Database = await openDatabase({ url });
  try {
    return await seedDemoWithDirectory(db.prisma, domainConfigOf(config), opts);
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  const config = (() => {
    try {
      return loadConfig();
    } catch (err) {
      console.error((err as Error).message);
      process.exit(1);
    }
  })();
  openAndSeed(config.DATABASE_URL).then(
    (s) => {
      console.log(`seeded ${config.DATABASE_URL}: ${s.locations} locations, ${s.users} users, ${s.customers} customers, ${s.deals} deals (${s.added} new)`);
      console.log(`admin: Aiko Admin (global); users: Yuki Tanaka (Tokyo), Hana Kobayashi (Osaka)`);
    },
    (err: unknown) => {
      // A running server holds the data directory: one clear line, as `npm start` prints it.
      console.error((err as { code?: string }).code === 'DATA_DIR_LOCKED' ? (err as Error).message : err);
      process.exit(1);
    },
  );
}
