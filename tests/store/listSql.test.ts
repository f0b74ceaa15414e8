import { SYSTEM, type Actor, type DealFilter } from '../../src/domain';
import { DealReader, whereFor } from '../../src/store/deals/queries';
import { dealStore, memberOf, OSAKA, referral, seedBasics, TOKYO, validCreateInput } from '../helpers/fixtures';
import { describeEachDatabase, type TestDatabase } from '../helpers/testDb';

/**
 * Issue 16: list pages are read through one SQL statement (src/store/deals/listSql.ts) while the pipeline, insights
 * and export still filter through Prisma (`whereFor`). Both must give every actor exactly the same deals for every
 * filter — a deal that one shows and the other hides would be a visibility bug (R1–R3). Each page walk is compared
 * with Prisma's answer over a fixture that has every case: locations, creators, acceptors, team members by user and
 * by e-mail only, unanswered referrals, closed deals, LIKE wildcards and Japanese in names.
 */
describeEachDatabase('list pages: the SQL path and the Prisma filter agree', (currentDb) => {
  let db: TestDatabase;
  let basics: Awaited<ReturnType<typeof seedBasics>>;
  let midway: Date;

  beforeAll(async () => {
    db = currentDb();
    basics = await seedBasics(db.prisma);
    const { actors, customer } = basics;
    const store = dealStore(db.prisma);
    const others = await Promise.all(
      ['Contoso 100%_Holdings', '株式会社サンプル商事'].map((name, i) =>
        db.prisma.customer.create({ data: { name, searchName: name.toLowerCase(), city: 'Tokyo', country: 'JP', duns: `55500000${i}` } }),
      ),
    );
    const customers = [customer, ...others];
    const names = ['Alpha 100% plan', 'beta_under score', 'Azure 移行アセスメント', 'Fabrikam migration assessment'];
    const creators = [actors.tokyoUser, actors.tokyoUser2, actors.tokyoAdmin, actors.osakaUser, actors.admin];
    for (let i = 0; i < 24; i++) {
      const by = creators[i % creators.length]!;
      const created = await store.create(
        validCreateInput(customers[i % customers.length]!.id, by, {
          name: `${names[i % names.length]} ${i}`,
          locationId: by === actors.osakaUser || (by === actors.admin && i % 2 === 0) ? OSAKA : TOKYO,
        }),
        by,
      );
      if (!created.ok) throw new Error(JSON.stringify(created.refusal));
      if (i === 12) midway = new Date();
    }
    for (let i = 0; i < 6; i++) {
      const r = referral();
      const received = await store.receive({ ...r, deal: { ...r.deal, name: `Referral ${i} サンプル`, locationId: i % 3 === 0 ? OSAKA : TOKYO } });
      if (!received.ok) throw new Error(received.refusal.code);
    }
    const deals = await db.prisma.deal.findMany({ orderBy: { number: 'asc' }, select: { id: true } });
    // An invitee on the team by e-mail only (no user id, upper case as typed), a member by user id, closed deals.
    await db.prisma.dealTeamMember.create({
      data: { dealId: deals[3]!.id, name: 'Ken by mail', email: actors.tokyoUser2.email!.toUpperCase(), emailKey: actors.tokyoUser2.email!.toLowerCase(), phone: '+81 3 0000 0000', position: 5 },
    });
    await db.prisma.dealTeamMember.create({ data: { dealId: deals[8]!.id, ...memberOf(actors.osakaUser), emailKey: actors.osakaUser.email!.toLowerCase(), position: 5 } });
    await db.prisma.deal.updateMany({ where: { id: { in: [deals[1]!.id, deals[6]!.id] } }, data: { status: 'Closed', substatus: 'Won', stage: 'won' } });
    await db.prisma.deal.update({ where: { id: deals[2]!.id }, data: { acceptedById: actors.tokyoUser.id, acceptedByName: actors.tokyoUser.name } });
  });

  const actorCases = (): [string, Actor][] => [...Object.entries(basics.actors), ['system', SYSTEM]];
  const filterCases = (): [string, DealFilter][] => {
    const { actors } = basics;
    return [
      ['no filter', {}],
      ['mine', { mine: true }],
      ['inbound', { direction: 'inbound' }],
      ['New', { status: 'New' }],
      ['active SA', { status: 'Active', type: 'solutionAssessment' }],
      ['Received', { substatus: 'Received' }],
      ['stage', { stage: 'accepted' }],
      ['stages', { stages: ['accepted', 'won'] }],
      ['location', { locationId: OSAKA }],
      ['locations', { locationIds: [TOKYO] }],
      ['updated since', { updatedSince: midway }],
      ['name', { q: 'ALPHA' }],
      ['customer name', { q: 'fabrikam' }],
      ['percent is literal', { q: '100%' }],
      ['underscore is literal', { q: '_' }],
      ['Japanese, deal or customer', { q: 'サンプル' }],
      ['Japanese deal name', { q: '移行アセスメント' }],
      ['people', { people: [{ id: actors.tokyoUser2.id, email: actors.tokyoUser2.email ?? null }] }],
      ['no people', { people: [] }],
      ['search and mine', { q: 'a', mine: true }],
    ];
  };

  test('every actor, every filter: the same deals, newest first, across pages', async () => {
    const reader = new DealReader(db.prisma);
    let compared = 0;
    let nonEmpty = 0;
    for (const [who, actor] of actorCases()) {
      for (const [what, filter] of filterCases()) {
        const where = whereFor(actor, filter);
        const expected = where ? (await db.prisma.deal.findMany({ where, orderBy: { number: 'desc' }, select: { number: true } })).map((d) => d.number) : [];
        const seen: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await reader.list(actor, filter, { limit: 4, cursor });
          seen.push(...page.items.map((d) => d.number));
          cursor = page.next;
        } while (cursor);
        expect({ who, what, numbers: seen }).toEqual({ who, what, numbers: expected });
        compared++;
        if (expected.length) nonEmpty++;
      }
    }
    // The fixture exercises the filters: most combinations find something, some find nothing.
    expect(compared).toBe(actorCases().length * filterCases().length);
    expect(nonEmpty).toBeGreaterThan(compared / 2);
    expect(nonEmpty).toBeLessThan(compared);
  });

  test('a page carries what the card needs: customer, location, team, latest note', async () => {
    const page = await new DealReader(db.prisma).list(basics.actors.admin, { q: 'fabrikam' }, { limit: 2 });
    expect(page.items).toHaveLength(2);
    for (const deal of page.items) {
      const one = await new DealReader(db.prisma).get(deal.id, basics.actors.admin);
      expect(one.ok && one.value).toEqual(deal);
    }
  });
});
