import { MANDATORY_SA_STAGES } from '../../src/domain';
import { openDatabase, type Database } from '../../src/store/database';
import { seedBasics, validCreateInput } from '../helpers/fixtures';
import { postgresBinaries, startPgCluster, type PgCluster } from '../helpers/pgCluster';
import { ALICE, cardAction, cardText } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { actorOf } from '../../src/domain';
import { PeopleStore } from '../../src/store/people';

const maybe = postgresBinaries() ? describe : describe.skip;

/**
 * PostgreSQL restarted during a burst of card clicks: each click either succeeds or tells the user it failed and
 * nothing changed; no deal is half-written; the bot recovers without a restart.
 */
maybe('PostgreSQL restart during a burst of card actions', () => {
  let cluster: PgCluster;
  let db: Database;
  let app: TestApp;
  const dealIds: string[] = [];

  beforeAll(async () => {
    cluster = await startPgCluster();
    db = await openDatabase({ url: cluster.url, poolSize: 4 });
    app = await startTestApp({ db });
    const { customer } = await seedBasics(db.prisma);
    const people = new PeopleStore(db.prisma);
    const alice = actorOf(await people.setRole((await people.ensureUser({ aadObjectId: ALICE.aadObjectId, name: ALICE.name })).id, 'admin', { global: true, locations: [] }));
    for (let i = 0; i < 30; i++) {
      const created = await app.app.services.commands.create(validCreateInput(customer.id, alice, { name: `Burst ${i}` }), alice);
      if (!created.ok) throw new Error(created.refusal.code);
      dealIds.push(created.value.id);
    }
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
    cluster?.destroy();
  });

  test('every click succeeds or says it failed; every deal is consistent; clicks work again afterwards', async () => {
    // The answer to each click is what is tested (postOnly): waiting for follow-up jobs would read the database mid-restart.
    const click = (dealId: string, stage: string) =>
      app.postOnly(cardAction('deal.completeStage', { dealId, stage }, { from: ALICE })).catch((err: Error) => ({ status: 0, body: String(err) }));

    // Each deal's four stages clicked one after the other, all deals at once, while the server restarts.
    const answers: { status: number; body: any }[] = [];
    const restarted = new Promise((resolve) => setTimeout(resolve, 150)).then(() => cluster.restart());
    await Promise.all(
      dealIds.map(async (id) => {
        for (const stage of MANDATORY_SA_STAGES) {
          answers.push(await click(id, stage));
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      }),
    );
    await restarted;
    for (const a of answers) {
      expect(a.status).toBe(200);
      const text = cardText(a.body.value);
      // Either the stage was completed, or the user is told clearly (apology, or why the stage can't be done now).
      expect(/completed|Sorry, something went wrong|Complete .* first|stages are completed in order/i.test(text)).toBe(true);
    }

    // Never a half-written deal: version, stage, completions and audit events agree for every deal.
    for (const id of dealIds) {
      const deal = await db.prisma.deal.findUniqueOrThrow({ where: { id }, include: { completions: true } });
      const events = await db.prisma.auditEvent.count({ where: { dealId: id, type: 'StageCompleted' } });
      expect(deal.completions.length).toBe(events);
      expect(deal.version).toBe(1 + deal.completions.length);
      const expectedStage = deal.completions.length ? MANDATORY_SA_STAGES[deal.completions.length - 1] : 'accepted';
      expect(deal.stage).toBe(expectedStage);
    }

    // Recovered without a restart of the bot: a click now succeeds.
    const anyOpen = await db.prisma.deal.findFirstOrThrow({ where: { id: { in: dealIds } }, include: { completions: true }, orderBy: { version: 'asc' } });
    const next = MANDATORY_SA_STAGES[anyOpen.completions.length];
    if (next) {
      const after = await click(anyOpen.id, next);
      expect(cardText(after.body.value)).toContain('completed');
    }
  }, 120_000);
});
