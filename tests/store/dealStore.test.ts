import { SYSTEM } from '../../src/domain';
import { dealStore, inDays, memberOf, referral, seedBasics, TOKYO, validCreateInput } from '../helpers/fixtures';
import { describeEachDatabase, type TestDatabase } from '../helpers/testDb';

describeEachDatabase('deal store', (currentDb) => {
  let db: TestDatabase;
  let basics: Awaited<ReturnType<typeof seedBasics>>;

  beforeAll(async () => {
    db = currentDb();
    basics = await seedBasics(db.prisma);
  });

  const store = () => dealStore(db.prisma);

  test('50 concurrent accepts and declines of one referral: exactly one wins, one audit event, the rest are told why', async () => {
    const { actors } = basics;
    const received = await store().receive(referral());
    if (!received.ok) throw new Error(received.refusal.code);
    const id = received.value.deal.id;
    const clickers = [actors.tokyoUser, actors.tokyoUser2, actors.tokyoAdmin, actors.admin];

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const actor = clickers[i % clickers.length]!;
        return i % 2 === 0
          ? store().execute(id, { type: 'accept', input: { name: `Accepted ${i}`, value: 2_000_000, closeDate: inDays(30), notes: 'Kick-off next week' } }, actor)
          : store().execute(id, { type: 'decline', input: { reason: 'customerDidNotRespond' } }, actor);
      }),
    );

    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    if (!winner.ok) throw new Error('unreachable');
    const won = winner.value.deal;
    const losers = results.filter((r) => !r.ok);
    for (const loser of losers) {
      if (loser.ok) continue;
      expect(['ALREADY_ACCEPTED', 'ALREADY_DECLINED']).toContain(loser.refusal.code);
      // The loser is told who won, in both languages.
      const by = won.substatus === 'Accepted' ? won.acceptedByName! : won.closedByName!;
      expect(loser.refusal.message.en).toContain(by);
      expect(loser.refusal.message.ja).toContain(by);
    }

    const events = await db.prisma.auditEvent.findMany({ where: { dealId: id, type: { in: ['ReferralAccepted', 'ReferralDeclined'] } } });
    expect(events).toHaveLength(1);
    const row = await db.prisma.deal.findUniqueOrThrow({ where: { id } });
    expect(row.version).toBe(2);
    const notifications = await db.prisma.notification.count({ where: { dealId: id } });
    expect(notifications).toBe(won.substatus === 'Declined' ? 1 : 0);
  });

  test('create stores the deal as Active / Accepted with team, note and audit event', async () => {
    const { actors, customer } = basics;
    const created = await store().create(validCreateInput(customer.id, actors.tokyoUser), actors.tokyoUser);
    if (!created.ok) throw new Error(JSON.stringify(created.refusal));
    const deal = created.value;
    expect(deal).toMatchObject({ status: 'Active', substatus: 'Accepted', stage: 'accepted', direction: 'outbound', locationId: TOKYO, value: 1_500_000 });
    expect(deal.team).toEqual([expect.objectContaining({ email: actors.tokyoUser.email })]);
    expect(await store().notes(deal.id)).toEqual([expect.objectContaining({ text: 'Customer wants to move 40 VMs to Azure.', authorName: actors.tokyoUser.name })]);
    expect((await store().history(deal.id)).map((e) => e.type)).toEqual(['DealCreated']);
  });

  test('bad input stores nothing', async () => {
    const { actors, customer } = basics;
    const before = await db.prisma.deal.count();
    const bad = await store().create(validCreateInput(customer.id, actors.tokyoUser, { value: -5, closeDate: '2001-01-01', name: 'x'.repeat(201) }), actors.tokyoUser);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.refusal.fieldErrors.map((f) => f.field).sort()).toEqual(['closeDate', 'name', 'value']);
    const outside = await store().create(validCreateInput(customer.id, actors.osakaUser), actors.osakaUser);
    expect(!outside.ok && outside.refusal.code).toBe('LOCATION_OUT_OF_SCOPE');
    const unknownCustomer = await store().create(validCreateInput('no-such-customer', actors.tokyoUser), actors.tokyoUser);
    expect(!unknownCustomer.ok && unknownCustomer.refusal.fieldErrors.map((f) => f.field)).toEqual(['customerId']);
    expect(await db.prisma.deal.count()).toBe(before);
  });

  test('stage completions, won, and the refusal of Won before all four stages', async () => {
    const { actors, customer } = basics;
    const created = await store().create(validCreateInput(customer.id, actors.tokyoUser), actors.tokyoUser);
    if (!created.ok) throw new Error('create failed');
    const id = created.value.id;
    const early = await store().execute(id, { type: 'win' }, actors.tokyoUser);
    expect(!early.ok && early.refusal.code).toBe('STAGES_INCOMPLETE');
    for (const stage of ['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer']) {
      const r = await store().execute(id, { type: 'completeStage', input: { stage } }, actors.tokyoUser);
      expect(r.ok).toBe(true);
    }
    const won = await store().execute(id, { type: 'win' }, actors.tokyoUser);
    if (!won.ok) throw new Error(won.refusal.code);
    expect(won.value.deal).toMatchObject({ status: 'Closed', substatus: 'Won', stage: 'won' });
    expect(won.value.deal.completions.map((c) => [c.stage, c.byName])).toEqual([
      ['secureCustomerLoe', actors.tokyoUser.name],
      ['collectData', actors.tokyoUser.name],
      ['prepareAssessmentReport', actors.tokyoUser.name],
      ['presentToCustomer', actors.tokyoUser.name],
    ]);
    const after = await store().execute(id, { type: 'edit', input: { name: 'Renamed' } }, actors.tokyoUser);
    expect(!after.ok && after.refusal.code).toBe('DEAL_CLOSED');
  });

  test('two users completing the same stage at once: one succeeds, the other is told it is done', async () => {
    const { actors, customer } = basics;
    const created = await store().create(
      validCreateInput(customer.id, actors.tokyoUser, { team: [memberOf(actors.tokyoUser), memberOf(actors.tokyoUser2)] }),
      actors.tokyoUser,
    );
    if (!created.ok) throw new Error('create failed');
    const id = created.value.id;
    const [a, b] = await Promise.all([
      store().execute(id, { type: 'completeStage', input: { stage: 'secureCustomerLoe' } }, actors.tokyoUser),
      store().execute(id, { type: 'completeStage', input: { stage: 'secureCustomerLoe' } }, actors.tokyoUser2),
    ]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    const loser = [a, b].find((r) => !r.ok);
    expect(loser && !loser.ok && loser.refusal.code).toBe('STAGE_ALREADY_COMPLETE');
    expect(await db.prisma.stageCompletion.count({ where: { dealId: id } })).toBe(1);
  });

  test('a stale version is refused and changes nothing', async () => {
    const { actors, customer } = basics;
    const created = await store().create(validCreateInput(customer.id, actors.tokyoUser), actors.tokyoUser);
    if (!created.ok) throw new Error('create failed');
    const id = created.value.id;
    const first = await store().execute(id, { type: 'edit', input: { name: 'First edit' } }, actors.tokyoUser, { expectedVersion: 1 });
    expect(first.ok).toBe(true);
    const second = await store().execute(id, { type: 'edit', input: { name: 'Second edit' } }, actors.tokyoUser, { expectedVersion: 1 });
    expect(!second.ok && second.refusal.code).toBe('STALE_VERSION');
    const row = await db.prisma.deal.findUniqueOrThrow({ where: { id } });
    expect(row.name).toBe('First edit');
  });

  test('an edit of the contact and the specialist note writes the same row by a click (one statement) and by a batch (a PATCH)', async () => {
    const { actors, customer } = basics;
    const contact = { name: 'Kenji Fabrikam', phone: '+81 3 9999 0000', email: 'kenji@fabrikam.example', consent: true, askMicrosoftHelp: true };
    const make = async () => {
      const created = await store().create(validCreateInput(customer.id, actors.tokyoUser, { contact, specialistNote: 'Call after 10am.' }), actors.tokyoUser);
      if (!created.ok) throw new Error(created.refusal.code);
      return created.value.id;
    };
    const [clicked, batched] = [await make(), await make()];
    const edit = { type: 'edit' as const, input: { contactPhone: '０３－１１１１－２２２２', contactEmail: 'kenji.f@fabrikam.example', specialistNote: '' } };
    expect((await store().execute(clicked, edit, actors.tokyoUser)).ok).toBe(true);
    expect((await store().execute(batched, [edit, { type: 'edit', input: { note: 'Phone changed.' } }], actors.tokyoUser)).ok).toBe(true);
    const columns = { contactName: true, contactPhone: true, contactEmail: true, contactConsent: true, askMicrosoftHelp: true, specialistNote: true } as const;
    const [a, b] = await Promise.all([clicked, batched].map((id) => db.prisma.deal.findUniqueOrThrow({ where: { id }, select: columns })));
    expect(a).toEqual({ contactName: 'Kenji Fabrikam', contactPhone: '03-1111-2222', contactEmail: 'kenji.f@fabrikam.example', contactConsent: true, askMicrosoftHelp: true, specialistNote: null });
    expect(b).toEqual(a);
    // Another command on the deal keeps what the edit wrote (every click writes the state's contact columns back).
    expect((await store().execute(clicked, { type: 'completeStage', input: { stage: 'secureCustomerLoe' } }, actors.tokyoUser)).ok).toBe(true);
    expect(await db.prisma.deal.findUniqueOrThrow({ where: { id: clicked }, select: columns })).toEqual(a);
  });

  test('expiry by the system closes the referral and queues one sender notification', async () => {
    const created = new Date(Date.now() - 15 * 86_400_000);
    const received = await store().receive(referral({}, created));
    if (!received.ok) throw new Error('receive failed');
    const id = received.value.deal.id;
    const expired = await store().execute(id, { type: 'expire' }, SYSTEM);
    if (!expired.ok) throw new Error(expired.refusal.code);
    expect(expired.value.deal).toMatchObject({ status: 'Closed', substatus: 'Expired' });
    const notes = await db.prisma.notification.findMany({ where: { dealId: id } });
    expect(notes).toEqual([expect.objectContaining({ kind: 'expired', status: 'pending', url: 'https://callback.example/referrals' })]);
    const again = await store().execute(id, { type: 'expire' }, SYSTEM);
    expect(!again.ok && again.refusal.code).toBe('ALREADY_EXPIRED');
  });

  test('receiving the same referral twice returns the first deal', async () => {
    const r = referral({ referralId: 'dup-1' });
    const [a, b] = await Promise.all([store().receive(r), store().receive(r)]);
    if (!a.ok || !b.ok) throw new Error('receive failed');
    expect(a.value.deal.id).toBe(b.value.deal.id);
    expect([a.value.created, b.value.created].sort()).toEqual([false, true]);
    expect(await db.prisma.deal.count({ where: { senderReferralId: 'dup-1' } })).toBe(1);
  });

  test('lists show each actor only what R1–R3 allow, with keyset paging', async () => {
    const { actors, customer } = basics;
    // A deal only tokyoUser2 is on, and an Osaka deal.
    const mine2 = await store().create(validCreateInput(customer.id, actors.tokyoUser2, { name: 'Only Ken' }), actors.tokyoUser2);
    const osaka = await store().create(validCreateInput(customer.id, actors.osakaUser, { name: 'Osaka deal', locationId: 'contoso-jp-osaka' }), actors.osakaUser);
    expect(mine2.ok && osaka.ok).toBe(true);

    const pages = async (actor: typeof actors.admin) => {
      const all: { id: string; name: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await store().list(actor, {}, { limit: 3, cursor });
        all.push(...page.items.map((d) => ({ id: d.id, name: d.name })));
        cursor = page.next;
      } while (cursor);
      return all;
    };
    const names = async (actor: typeof actors.admin) => (await pages(actor)).map((d) => d.name);
    const adminIds = (await pages(actors.admin)).map((d) => d.id);
    expect(new Set(adminIds).size).toBe(adminIds.length);
    expect(adminIds).toHaveLength(await db.prisma.deal.count());
    const adminSees = await names(actors.admin);
    expect(adminSees).toEqual(expect.arrayContaining(['Only Ken', 'Osaka deal']));

    const tokyoAdminSees = await names(actors.tokyoAdmin);
    expect(tokyoAdminSees).toContain('Only Ken');
    expect(tokyoAdminSees).not.toContain('Osaka deal');

    const yukiSees = await names(actors.tokyoUser);
    expect(yukiSees).not.toContain('Only Ken');
    expect(yukiSees).not.toContain('Osaka deal');
    expect(await names(actors.osakaUser)).toEqual(['Osaka deal']);
    expect(await names(actors.nobody)).toEqual([]);

    if (!mine2.ok) return;
    const hidden = await store().get(mine2.value.id, actors.tokyoUser);
    expect(!hidden.ok && hidden.refusal.code).toBe('NOT_FOUND');
  });
});
