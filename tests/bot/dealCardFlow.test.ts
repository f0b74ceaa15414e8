import { ALICE, BOB, adaptiveCards, cardAction, cardText, channelMessage } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { memberOf, seedBasics, TOKYO, validCreateInput } from '../helpers/fixtures';
import { actorOf } from '../../src/domain';
import { PeopleStore } from '../../src/store/people';

/** A posted deal card worked by buttons through /api/messages: the clicked card answers, every other copy follows. */
describe('deal card buttons', () => {
  let app: TestApp;
  let dealId: string;
  let cardActivityId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const { customer } = await seedBasics(app.db.prisma);
    const people = new PeopleStore(app.db.prisma);
    const alice = actorOf(await people.setRole((await people.ensureUser({ aadObjectId: ALICE.aadObjectId, name: ALICE.name, email: 'alice@contoso.example' })).id, 'user', { global: false, locations: [TOKYO] }));
    await people.ensureUser({ aadObjectId: BOB.aadObjectId, name: BOB.name, email: 'bob@contoso.example' }); // no role
    const created = await app.app.services.commands.create(validCreateInput(customer.id, alice, { team: [memberOf(alice)] }), alice);
    if (!created.ok) throw new Error(created.refusal.code);
    dealId = created.value.id;
    // The bot learns the channel from a message, then posts the deal card there.
    await app.post(channelMessage('help', { from: ALICE }));
    const channelId = (await app.db.prisma.conversationRef.findFirstOrThrow({ where: { kind: 'channel' } })).id;
    cardActivityId = await app.app.services.publisher.post(dealId, channelId);
  });
  afterAll(() => app?.close());

  test('the posted card is read-only for everyone and refreshes into each decider’s own buttons', async () => {
    const posted = app.stub.calls.find((c) => c.id === cardActivityId)!;
    const card = adaptiveCards(posted.activity)[0];
    // Admins in scope and the team member; not the Tokyo users off the team, not Osaka, not Bob (no role).
    expect(card.refresh.userIds.sort()).toEqual(['aad-admin', 'aad-tokyoadmin', ALICE.aadObjectId].sort());
    expect(card.actions.map((a: any) => a.verb)).toEqual(['deal.refresh']);
    expect(cardText(card)).toContain('Solution assessment');
  });

  test('Alice completes the first stage; Won stays unavailable with the reason; the posted copy is updated', async () => {
    const res = await app.post(cardAction('deal.completeStage', { dealId, version: 1, stage: 'secureCustomerLoe' }, { from: ALICE, chat: 'channel', replyToId: 'other-copy' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const text = cardText(res.body.value);
    expect(text).toContain('Stage "Secure customer LOE" completed.');
    expect(text).toContain('Secure customer LOE — Alice Sato');
    expect(text).toContain('Won is available once all four sales stages are complete (next: Collect data).');
    expect(res.body.value.actions.map((a: any) => a.data.stage ?? a.verb)).toEqual(['collectData']);
    const update = await app.stub.waitFor((c) => c.kind === 'update' && c.activityId === cardActivityId);
    expect(cardText(adaptiveCards(update.activity)[0])).toContain('Secure customer LOE · 20 %');
  });

  test('a double click of the same stage (stale card) is refused, nothing changes', async () => {
    const res = await app.post(cardAction('deal.completeStage', { dealId, version: 1, stage: 'secureCustomerLoe' }, { from: ALICE, chat: 'channel' }));
    expect(cardText(res.body.value)).toContain('"Secure customer LOE" was already completed by Alice Sato.');
    expect(await app.db.prisma.stageCompletion.count({ where: { dealId } })).toBe(1);
  });

  test('a user without a role forging a click is refused in Japanese and nothing changes', async () => {
    const res = await app.post(cardAction('deal.completeStage', { dealId, version: 2, stage: 'collectData' }, { from: BOB, chat: 'channel', locale: 'ja-JP' }));
    // The R1 gate answers first (issue 3): no role → the "ask your admin" card, never the deal.
    expect(cardText(res.body.value)).toContain('紹介の役割がまだありません');
    expect(await app.db.prisma.stageCompletion.count({ where: { dealId } })).toBe(1);
  });

  test('an unknown verb gets a clear card, not an error', async () => {
    const res = await app.post(cardAction('deal.selfDestruct', { dealId }, { from: ALICE }));
    expect(res.status).toBe(200);
    expect(cardText(res.body.value)).toContain('no longer supported');
  });
});
