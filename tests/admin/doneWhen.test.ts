import { catalog } from '../../cards/i18n';
import { REFUSAL_MESSAGES } from '../../src/domain';
import { actorOf } from '../../src/domain';
import { personOf } from '../../src/store/people';
import { inDays, referral, validCreateInput } from '../helpers/fixtures';
import { ALICE, BOB, adaptiveCards, channelMessage } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { click, knowMember, say, verbsOf } from './helpers';

const en = catalog('en');
const ja = catalog('ja');
const TOKYO = 'contoso-jp-tokyo';
const OSAKA = 'contoso-jp-osaka';

/**
 * The "Done when", as a new user would try it: a fresh install, the first admin sets up two locations and
 * gives a colleague the user role for one of them; the colleague sees exactly the deals the rules allow, and loses
 * them (cards and buttons too) when the role changes.
 */
describe('fresh install → first admin → two locations → a colleague with the user role for Tokyo', () => {
  let app: TestApp;
  const deal: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp();
    knowMember(app, ALICE, 'alice@contoso.example');
    knowMember(app, BOB, 'bob@contoso.example');
  });
  afterAll(() => app?.close());

  const bobActor = async () => actorOf(personOf(await app.db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: BOB.aadObjectId }, include: { locations: true } })));
  const visibleToBob = async () => (await app.app.services.queries.list(await bobActor(), {}, { limit: 100 })).items.map((d) => d.name).sort();

  test('Alice, first to chat, accepts the admin offer', async () => {
    const hello = await say(app, 'hello', { from: ALICE });
    expect(hello.text).toContain(en['admin.offer.title']);
    const claimed = await click(app, 'admin.bootstrap.claim', {}, { from: ALICE });
    expect(claimed.text).toContain(en['admin.offer.claimedTitle']);
  });

  test('she adds Tokyo by command and Osaka from the admin card form', async () => {
    expect((await say(app, `add location ${TOKYO} Contoso Japan Tokyo JP`, { from: ALICE })).text).toContain('added');
    const panel = await say(app, 'admin', { from: ALICE });
    expect(verbsOf(panel.cards)).toEqual(expect.arrayContaining(['admin.addLocation', 'admin.setRole', 'admin.show']));
    const added = await click(app, 'admin.addLocation', { addLocationId: OSAKA, addLocationName: 'Contoso Japan Osaka', addLocationCountry: 'jp' }, { from: ALICE });
    expect(added.text).toContain('Location "Contoso Japan Osaka" (contoso-jp-osaka) added.');
    expect(added.text).toContain('Contoso Japan Tokyo');
    expect(await app.db.prisma.location.findUnique({ where: { id: OSAKA } })).toMatchObject({ country: 'JP' });
  });

  test('Bob chats once (recorded, no role: he is told to ask Alice), and deals exist in both locations', async () => {
    const said = await say(app, '取引一覧', { from: BOB, locale: 'ja-JP' });
    expect(said.text).toContain(ja['admin.noRole.title']);
    expect(said.text).toContain('Alice Sato');

    const alice = actorOf(personOf(await app.db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: ALICE.aadObjectId }, include: { locations: true } })));
    const customer = await app.db.prisma.customer.create({ data: { name: 'Fabrikam', searchName: 'fabrikam', country: 'JP' } });
    const bobMember = { name: 'Bob Suzuki', email: 'bob@contoso.example', phone: '+81 3 1111 2222' };
    const create = async (key: string, locationId: string, team: object[]) => {
      const r = await app.app.services.commands.create(
        validCreateInput(customer.id, alice, { name: key, locationId, team, closeDate: inDays(30) }),
        alice,
      );
      if (!r.ok) throw new Error(r.refusal.code);
      deal[key] = r.value.id;
    };
    await create('Tokyo, Bob on the team', TOKYO, [bobMember]);
    await create('Tokyo, without Bob', TOKYO, [{ ...bobMember, name: 'Ken', email: 'ken@contoso.example' }]);
    await create('Osaka, Bob on the team', OSAKA, [bobMember]);
    const received = await app.app.services.commands.receive({ ...referral(), deal: { ...referral().deal, name: 'Tokyo referral (new)', locationId: TOKYO } });
    if (!received.ok) throw new Error(received.refusal.code);
    expect(await visibleToBob()).toEqual([]);
  });

  test('Alice gives Bob the user role for Tokyo (from the card form); he sees exactly what R3 allows', async () => {
    // The Tokyo card is posted in a channel, so we can watch it follow Bob's rights.
    await app.post(channelMessage('help', { from: ALICE }));
    const channelId = (await app.db.prisma.conversationRef.findFirstOrThrow({ where: { kind: 'channel' } })).id;
    const posted = await app.app.services.publisher.post(deal['Tokyo, Bob on the team']!, channelId);
    const postedCard = adaptiveCards(app.stub.calls.find((c) => c.id === posted)!.activity)[0];
    expect(postedCard.refresh.userIds).not.toContain(BOB.aadObjectId);

    const bob = await app.db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: BOB.aadObjectId } });
    expect(bob.email).toBe('bob@contoso.example'); // recorded on first contact via TeamsInfo.getMember
    const saved = await click(app, 'admin.setRole', { rolePerson: bob.id, roleRole: 'user', roleGlobal: 'false', roleLocations: TOKYO }, { from: ALICE });
    expect(saved.text).toContain(`Bob Suzuki is now Referrals user for ${TOKYO}.`);

    // Tokyo deals where he is on the team, plus Tokyo's unanswered referral; not Tokyo without him, not Osaka.
    expect(await visibleToBob()).toEqual(['Tokyo referral (new)', 'Tokyo, Bob on the team']);
    const mine = await click(app, 'deal.refresh', { dealId: deal['Tokyo, Bob on the team'] }, { from: BOB });
    expect(verbsOf(mine.card)).toContain('deal.completeStage');
    for (const hidden of ['Tokyo, without Bob', 'Osaka, Bob on the team']) {
      const seen = await click(app, 'deal.refresh', { dealId: deal[hidden] }, { from: BOB });
      expect(seen.text).toContain(en['deal.notFound.title']);
      expect(seen.text).not.toContain(hidden);
    }
    // The posted card was re-sent with Bob among the people Teams refreshes it for.
    const update = await app.stub.waitFor((c) => c.kind === 'update' && c.activityId === posted && adaptiveCards(c.activity)[0].refresh.userIds.includes(BOB.aadObjectId));
    expect(update).toBeDefined();
  });

  test('Alice moves Bob to Osaka: Tokyo disappears at once, a forged Tokyo click is refused, Osaka appears', async () => {
    app.stub.reset();
    const said = await say(app, `役割 bob@contoso.example ユーザー ${OSAKA}`, { from: ALICE, locale: 'ja-JP' });
    expect(said.text).toContain(`Bob Suzukiさんは${OSAKA}の紹介ユーザーになりました。`);
    expect(await visibleToBob()).toEqual(['Osaka, Bob on the team']);

    const tokyoId = deal['Tokyo, Bob on the team']!;
    const refreshed = await click(app, 'deal.refresh', { dealId: tokyoId }, { from: BOB });
    expect(refreshed.text).toContain(en['deal.notFound.title']);
    const forged = await click(app, 'deal.completeStage', { dealId: tokyoId, version: 1, stage: 'secureCustomerLoe' }, { from: BOB });
    expect(verbsOf(forged.card)).not.toContain('deal.completeStage');
    expect(await app.db.prisma.stageCompletion.count({ where: { dealId: tokyoId } })).toBe(0);
    // …and the posted Tokyo card no longer offers Bob his own view.
    const update = await app.stub.waitFor((c) => c.kind === 'update');
    expect(adaptiveCards(update.activity)[0].refresh.userIds).not.toContain(BOB.aadObjectId);

    const osaka = await click(app, 'deal.refresh', { dealId: deal['Osaka, Bob on the team'] }, { from: BOB });
    expect(verbsOf(osaka.card)).toContain('deal.completeStage');
  });

  test('role removed: Bob sees nothing and gets the "ask your admin" card again', async () => {
    expect((await say(app, 'remove role bob@contoso.example', { from: ALICE })).text).toContain('Bob Suzuki no longer has a Referrals role.');
    expect(await visibleToBob()).toEqual([]);
    const click1 = await click(app, 'deal.refresh', { dealId: deal['Osaka, Bob on the team'] }, { from: BOB });
    expect(click1.text).toContain(en['admin.noRole.title']);
    expect(click1.text).toContain('Alice Sato');
    expect(click1.text).not.toContain(REFUSAL_MESSAGES.NOT_FOUND.en);
  });
});
