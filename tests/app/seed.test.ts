import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_LOCATIONS, seedDemo, seedDemoWithDirectory } from '../../scripts/seed';
import { demoCustomersFile } from '../../src/store/customers';
import { openDatabase, type Database } from '../../src/store/database';

const ROOT = path.resolve(__dirname, '../..');

/** `npm run seed`: demo data in every state, through the stores; a second run changes nothing. */
describe('demo data', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ url: 'memory://' });
  });
  afterAll(() => db?.close());

  const counts = async () => {
    const p = db.prisma;
    const [locations, users, userLocations, customers, deals, events, notes, completions, registrations, team] = await Promise.all([
      p.location.count(),
      p.user.count(),
      p.userLocation.count(),
      p.customer.count(),
      p.deal.count(),
      p.auditEvent.count(),
      p.dealNote.count(),
      p.stageCompletion.count(),
      p.registration.count(),
      p.dealTeamMember.count(),
    ]);
    return { locations, users, userLocations, customers, deals, events, notes, completions, registrations, team };
  };

  test('seeding twice gives the same data (idempotent)', async () => {
    const first = await seedDemo(db.prisma);
    const afterFirst = await counts();
    const second = await seedDemo(db.prisma);
    expect(second.added).toBe(0);
    expect(first.added).toBe(afterFirst.deals);
    expect(await counts()).toEqual(afterFirst);
    expect(afterFirst).toMatchObject({ locations: DEMO_LOCATIONS.length, users: 3, customers: 5 });
  });

  test('one global admin and two users in different locations', async () => {
    const users = await db.prisma.user.findMany({ include: { locations: true }, orderBy: { name: 'asc' } });
    expect(users.map((u) => [u.name, u.role, u.globalScope, u.locations.map((l) => l.locationId)])).toEqual([
      ['Aiko Admin', 'admin', true, []],
      ['Hana Kobayashi', 'user', false, ['contoso-osaka']],
      ['Yuki Tanaka', 'user', false, ['contoso-tokyo']],
    ]);
  });

  test('deals in every state, so every card can be seen', async () => {
    const deals = await db.prisma.deal.findMany({ include: { registration: true } });
    const states = new Set(deals.map((d) => `${d.direction} ${d.type} ${d.status}/${d.substatus}`));
    for (const state of [
      'outbound solutionAssessment Active/Accepted',
      'outbound coSell Active/Accepted',
      'outbound solutionAssessment Closed/Won',
      'outbound coSell Closed/Won',
      'outbound coSell Closed/Lost',
      'inbound solutionAssessment New/Received',
      'inbound coSell New/Received',
      'inbound coSell Active/Accepted',
      'inbound coSell Closed/Declined',
      'inbound coSell Closed/Expired',
    ]) {
      expect(states).toContain(state);
    }
    // An assessment part-way through its stages, a co-sell deal mid-pipeline, a registration waiting for an admin.
    expect(deals.map((d) => d.stage)).toEqual(expect.arrayContaining(['collectData', 'proposed']));
    expect(deals.filter((d) => d.registration?.status === 'PendingReview')).toHaveLength(1);
    // Open referrals are not yet expired, so they can be answered on their cards.
    for (const d of deals.filter((x) => x.status === 'New')) expect(d.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  test('a user passed in (the Agents Playground user) gets the role asked for', async () => {
    await seedDemo(db.prisma, undefined, { extraUsers: [{ aadObjectId: 'playground-aad', name: 'Playground User', role: 'user', locations: ['contoso-tokyo'] }] });
    const user = await db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: 'playground-aad' }, include: { locations: true } });
    expect([user.role, user.locations.map((l) => l.locationId)]).toEqual(['user', ['contoso-tokyo']]);
  });
});

describe('demo data with the demo customer directory (npm run seed / npm run playground on a fresh database)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ url: 'memory://' });
  });
  afterAll(() => db?.close());

  test('the directory is loaded, and the demo deals keep their own customers rather than a directory company', async () => {
    await seedDemoWithDirectory(db.prisma);
    const directory = fs.readFileSync(demoCustomersFile(), 'utf8').trim().split('\n').length - 1;
    expect(await db.prisma.customer.count()).toBe(directory + 5);
    // A directory company the wizard can find in Japanese, unchanged.
    const hayate = await db.prisma.customer.findFirstOrThrow({ where: { name: 'ハヤテ建設株式会社' } });
    expect([hayate.city, hayate.duns]).toEqual(['Yokohama', '690000001']);
    const deals = await db.prisma.deal.findMany({ include: { customer: true } });
    expect(deals.length).toBe(11);
    expect(new Set(deals.map((d) => d.customer.name))).toEqual(
      new Set(['Fabrikam Japan KK', 'Northwind Traders KK', 'Tailspin Toys 株式会社', 'Wingtip Toys', 'A. Datum Corporation']),
    );
    // Seeding again adds nothing.
    expect((await seedDemoWithDirectory(db.prisma)).added).toBe(0);
    expect(await db.prisma.customer.count()).toBe(directory + 5);
  });
});

describe('npm run seed', () => {
  const run = promisify(execFile);

  test('while the server holds the data directory it stops with the lock message; once it is free it seeds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-seed-'));
    const dataDir = path.join(dir, 'pglite');
    const held = await openDatabase({ url: dataDir }); // stands for the running server
    try {
      const failed = await run(process.execPath, ['-r', './tests/helpers/registerTs.js', 'scripts/seed.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: dataDir },
      }).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain(`The database directory ${dataDir} is in use by process ${process.pid}`);
      expect(failed?.stderr).not.toContain('    at '); // one clear message, no stack trace
      expect(await held.prisma.deal.count()).toBe(0);
      await held.close();
      // The server stopped: now it seeds.
      const { stdout } = await run(process.execPath, ['-r', './tests/helpers/registerTs.js', 'scripts/seed.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: dataDir },
      });
      // The demo customer directory is loaded too (on a fresh database), before the five demo customers.
      expect(stdout).toMatch(/3 locations, 3 users, (2\d\d) customers, 11 deals \(11 new\)/);
    } finally {
      await held.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Two child processes each load the project and open an embedded database: slow on a busy 2-core machine.
  }, 90_000);
});
