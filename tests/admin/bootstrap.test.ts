import { catalog } from '../../cards/i18n';
import { ALICE, BOB, adaptiveCards, cardText, channelMessage, teamsUser } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { click, knowMember, say, verbsOf } from './helpers';

const en = catalog('en');
const ja = catalog('ja');

const adminsOf = (app: TestApp) => app.db.prisma.user.findMany({ where: { role: 'admin' }, orderBy: { name: 'asc' } });

describe('first admin from BOOTSTRAP_ADMINS', () => {
  let app: TestApp;
  const CAROL = teamsUser('Carol Kato');
  beforeAll(async () => {
    app = await startTestApp({ env: { BOOTSTRAP_ADMINS: `alice@contoso.example, ${CAROL.aadObjectId}` } });
    knowMember(app, ALICE, 'Alice@Contoso.example');
  });
  afterAll(() => app?.close());

  test('a listed email becomes a global admin on first contact (email from TeamsInfo.getMember)', async () => {
    const said = await say(app, 'admin', { from: ALICE });
    expect(said.text).toContain(en['admin.panel.title']);
    expect(app.stub.memberLookups).toContainEqual(expect.objectContaining({ userId: ALICE.id, status: 200 }));
    const alice = await app.db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: ALICE.aadObjectId } });
    expect(alice).toMatchObject({ role: 'admin', globalScope: true, email: 'alice@contoso.example' });
    const audit = await app.db.prisma.auditEvent.findMany({ where: { dealId: null, type: 'AdminBootstrapped' } });
    expect(audit.map((a) => a.data)).toEqual([expect.objectContaining({ userId: alice.id, via: 'BOOTSTRAP_ADMINS' })]);
  });

  test('a listed AAD object id works without any email (getMember fails: 404), in Japanese', async () => {
    const said = await say(app, '管理', { from: CAROL, locale: 'ja-JP' });
    expect(app.stub.memberLookups).toContainEqual(expect.objectContaining({ userId: CAROL.id, status: 404 }));
    expect(said.text).toContain(ja['admin.panel.title']);
    expect(await adminsOf(app)).toHaveLength(2);
  });

  test('nobody else is offered the admin role while BOOTSTRAP_ADMINS is set; they are told whom to ask', async () => {
    const said = await say(app, 'deals', { from: BOB });
    expect(said.cards).toHaveLength(1);
    expect(said.text).toContain(en['admin.noRole.title']);
    expect(said.text).toContain('Alice Sato');
    expect(said.text).toContain('Carol Kato');
    expect(verbsOf(said.cards)).not.toContain('admin.bootstrap.claim');
    const forged = await click(app, 'admin.bootstrap.claim', {}, { from: BOB });
    expect(forged.text).toContain(en['admin.offer.disabled']);
    expect(await adminsOf(app)).toHaveLength(2);
  });

  test('a listed admin demoted by another admin stays demoted on the next message', async () => {
    await say(app, 'role alice@contoso.example user global', { from: CAROL });
    await say(app, 'help', { from: ALICE });
    const alice = await app.db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: ALICE.aadObjectId } });
    expect(alice).toMatchObject({ role: 'user', globalScope: true });
  });
});

describe('first admin by first-contact confirmation (no BOOTSTRAP_ADMINS)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  test('`help` is only help; the first person\'s first other message in personal chat brings the offer', async () => {
    const help = await say(app, 'help', { from: ALICE });
    expect(help.cards).toHaveLength(1);
    expect(help.text).toContain(en['help.title']);
    const said = await say(app, 'hi there', { from: ALICE });
    expect(said.cards).toHaveLength(2);
    // Issue 14: unknown text gets one line with the inbox and help a click away, not the whole help card.
    expect(cardTextOf(said.cards[0])).toContain('"hi there" is not a command.');
    expect(cardTextOf(said.cards[1])).toContain(en['admin.offer.title']);
    expect(verbsOf(said.cards[1])).toEqual(['admin.bootstrap.claim', 'admin.bootstrap.decline']);
    expect(await adminsOf(app)).toHaveLength(0); // only offered, not yet admin
  });

  test('a second person is not offered admin; a command gets the no-role card (nobody to ask yet), in Japanese', async () => {
    const help = await say(app, 'ヘルプ', { from: BOB, locale: 'ja-JP' });
    expect(help.cards).toHaveLength(1);
    expect(help.text).toContain(ja['help.title']);
    const deals = await say(app, '取引一覧', { from: BOB, locale: 'ja-JP' });
    expect(deals.text).toContain(ja['admin.noRole.title']);
    expect(deals.text).toContain(ja['admin.noRole.noAdmins']);
    expect(verbsOf(deals.cards)).toEqual([]);
  });

  test('in a channel the first person is not offered anything (personal chat only)', async () => {
    const before = app.stub.calls.length;
    await app.post(channelMessage('help', { from: ALICE }));
    const replies = app.stub.calls.slice(before);
    expect(replies).toHaveLength(1);
    expect(cardText(adaptiveCards(replies[0]!.activity)[0])).toContain(en['help.title']);
  });

  test('two people confirming at once: exactly one admin (the offered one); the other is refused', async () => {
    const [a, b, a2] = await Promise.all([
      click(app, 'admin.bootstrap.claim', {}, { from: ALICE }),
      click(app, 'admin.bootstrap.claim', {}, { from: BOB }),
      click(app, 'admin.bootstrap.claim', {}, { from: ALICE }), // the same person on a second device
    ]);
    const admins = await adminsOf(app);
    expect(admins.map((u) => [u.name, u.globalScope])).toEqual([['Alice Sato', true]]);
    expect(a.text + a2.text).toContain(en['admin.offer.claimedTitle']);
    expect([a.text, a2.text].filter((t) => t.includes(en['admin.offer.claimedTitle']))).toHaveLength(1);
    // Bob's click lost either way: it was not his offer, or Alice already held the role when it ran.
    expect(b.text).toMatch(new RegExp(`${escape(en['admin.offer.notOffered'])}|${escape(en['admin.offer.adminExists'].replace('{names}', 'Alice Sato'))}`));
    const events = await app.db.prisma.auditEvent.findMany({ where: { type: 'AdminBootstrapped' } });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ via: 'firstContact', name: 'Alice Sato' });
  });

  test('after that, nobody is offered admin; a newcomer is told to ask Alice', async () => {
    const dave = teamsUser('Dave Ito');
    const said = await say(app, 'pipeline', { from: dave });
    expect(said.text).toContain(en['admin.noRole.title']);
    expect(said.text).toContain('Alice Sato');
    expect(verbsOf(said.cards)).not.toContain('admin.bootstrap.claim');
    expect((await say(app, 'help', { from: dave })).cards).toHaveLength(1);
  });
});

describe('declining the offer', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  test('"Not me" passes the offer to the next person who chats with the bot', async () => {
    await say(app, 'hello', { from: ALICE, locale: 'ja-JP' });
    const declined = await click(app, 'admin.bootstrap.decline', {}, { from: ALICE, locale: 'ja-JP' });
    expect(declined.text).toContain(ja['admin.offer.declined']);
    const bob = await say(app, 'deals', { from: BOB });
    expect(bob.text).toContain(en['admin.offer.title']);
    const claimed = await click(app, 'admin.bootstrap.claim', {}, { from: BOB });
    expect(claimed.text).toContain(en['admin.offer.claimedTitle']);
    expect((await adminsOf(app)).map((u) => u.name)).toEqual(['Bob Suzuki']);
  });
});

const cardTextOf = cardText;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
