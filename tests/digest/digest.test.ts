import { digestSchedule } from '../../src/domain';
import { postDailyDigest } from '../../src/services/followUps';
import { openDatabase, type Database } from '../../src/store/database';
import { DigestStore } from '../../src/store/digest';
import { startConnectorStub, type ConnectorStub } from '../helpers/connectorStub';
import { OSAKA, TOKYO, referral, seedBasics, validCreateInput } from '../helpers/fixtures';
import { adaptiveCards, cardAction, cardText, channelMessage, personalMessage, replyCards } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { describeEachDatabase } from '../helpers/testDb';
import { PEOPLE } from '../referrals/referralTestKit';

jest.setTimeout(60_000);

/**
 * Issue 17, the daily digest: what it says for a seeded location (each category; an empty location gets no post), when
 * it is due in each location's own zone (09:00 Tokyo is midnight UTC; weekends are quiet), exactly once per location and
 * day with two instances and across restarts, and `digest now` for admins only. The clock is injected: nobody waits.
 */

const DAY = 86_400_000;
const SEATTLE = 'contoso-us-seattle';
const CHANNEL = '19:dealsChannel0000@thread.tacv2';
const personalOf = (aad: string) => `a:1personal-${aad}`;

/** The first Monday 00:00 UTC (09:00 in Tokyo) after today. */
function nextMonday(): Date {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  do d.setTime(d.getTime() + DAY);
  while (d.getUTCDay() !== 1);
  return d;
}
const MON = nextMonday();
/** `days` after that Monday, at hh:mm UTC. */
const utc = (days: number, hhmm: string) => new Date(MON.getTime() + days * DAY + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000);

describe('digestSchedule (pure)', () => {
  const nine = { hour: 9, minute: 0 };
  test('09:00 in Tokyo is midnight UTC: due from that minute, in Tokyo only', () => {
    expect(digestSchedule(utc(-1, '23:59'), 'Asia/Tokyo', nine)).toEqual({ day: utc(0, '00:00').toISOString().slice(0, 10), due: false });
    expect(digestSchedule(utc(0, '00:00'), 'Asia/Tokyo', nine).due).toBe(true);
    expect(digestSchedule(utc(0, '00:00'), 'UTC', nine).due).toBe(false);
    expect(digestSchedule(utc(0, '09:00'), 'UTC', nine).due).toBe(true);
  });
  test('weekends are quiet in the location’s own week: Friday 23:30 UTC is Saturday in Tokyo', () => {
    expect(digestSchedule(utc(4, '23:30'), 'UTC', nine)).toEqual({ day: utc(4, '00:00').toISOString().slice(0, 10), due: true });
    expect(digestSchedule(utc(4, '23:30'), 'Asia/Tokyo', nine)).toEqual({ day: utc(5, '00:00').toISOString().slice(0, 10), due: false });
    expect(digestSchedule(utc(6, '10:00'), 'UTC', nine).due).toBe(false);
  });
});

describeEachDatabase('daily digest', (db, kind) => {
  let stub: ConnectorStub;
  let a: TestApp;
  let now = utc(-2, '12:00'); // a Saturday: nothing is due while the apps start
  const clock = () => now;
  const env = { DIGEST_AT: '09:00', STALE_DAYS: '30', SWEEP_INTERVAL_SECONDS: '86400' };
  const ids: Record<string, string> = {};
  const extraDbs: Database[] = [];

  /** Another instance on the same database (PostgreSQL: its own connection pool). */
  const instance = async () => {
    let shared: Database = db();
    if (kind === 'postgres') {
      shared = await openDatabase({ url: db().url, migrate: false, poolSize: 3 });
      extraDbs.push(shared);
    }
    return quiet(await startTestApp({ db: shared, env, clock }));
  };
  /**
   * The schedule's own timer and its look at start are stopped (after that look has finished): each test moves the
   * clock and calls runOnce itself, so a late look from a start cannot take a day with the next test's clock.
   */
  const quiet = async (app: TestApp) => {
    await app.app.digest.stop();
    return app;
  };
  const post = (app: TestApp, activity: Parameters<TestApp['post']>[0]) => app.post({ ...activity, serviceUrl: stub.url });
  const digestPosts = () => stub.calls.filter((c) => (c.kind === 'send' || c.kind === 'reply') && adaptiveCards(c.activity).some((card) => /Daily digest|デイリー ダイジェスト/.test(cardText(card))));

  beforeAll(async () => {
    stub = await startConnectorStub();
    a = await quiet(await startTestApp({ db: db(), env, clock }));
    const { people, actors, customer } = await seedBasics(db().prisma);
    await people.upsertLocation(SEATTLE, 'Contoso US – Seattle', 'US');
    const prisma = db().prisma;
    // The people have talked to the bot; Tokyo's referrals go to the deals channel; Osaka and Seattle have no link.
    for (const who of [PEOPLE.admin, PEOPLE.tokyoAdmin, PEOPLE.tokyoUser]) await post(a, personalMessage('help', { from: who }));
    await post(a, channelMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoAdmin }));

    const commands = a.app.services.commands;
    const receive = async (key: string, locationId: string, name: string, expiresAt: Date) => {
      const r = referral();
      r.deal.locationId = locationId;
      r.deal.name = name;
      const got = await commands.receive(r);
      if (!got.ok) throw new Error(`receive ${key}`);
      ids[key] = got.value.deal.id;
      await prisma.deal.update({ where: { id: ids[key] }, data: { expiresAt } });
    };
    await receive('later', TOKYO, '北海道 移行評価', utc(10, '03:00'));
    await receive('soon', TOKYO, '東京 データ分析 評価', utc(2, '03:00'));
    await receive('gone', TOKYO, 'Expired but not swept', utc(-1, '23:00'));
    await receive('seattle', SEATTLE, 'Seattle FinOps', utc(5, '12:00'));

    const create = async (key: string, name: string) => {
      const got = await commands.create(validCreateInput(customer.id, actors.tokyoUser, { name }), actors.tokyoUser);
      if (!got.ok) throw new Error(`create ${key}: ${JSON.stringify(got)}`);
      ids[key] = got.value.id;
    };
    await create('overdue', 'Overdue migration');
    await prisma.deal.update({ where: { id: ids.overdue }, data: { closeDate: new Date(utc(-1, '00:00').toISOString().slice(0, 10)) } });
    await create('stale', 'Stalled assessment');
    await prisma.deal.update({ where: { id: ids.stale }, data: { createdAt: new Date(MON.getTime() - 40 * DAY), acceptedAt: new Date(MON.getTime() - 40 * DAY) } });
    await create('moving', 'Old but moving');
    await prisma.deal.update({ where: { id: ids.moving }, data: { createdAt: new Date(MON.getTime() - 40 * DAY), acceptedAt: new Date(MON.getTime() - 40 * DAY) } });
    await prisma.auditEvent.create({ data: { dealId: ids.moving, actorName: 'Yuki Tokyo', type: 'StageSet', data: {}, createdAt: new Date(MON.getTime() - 5 * DAY) } });
    await create('registration', 'Registered deal');
    await prisma.registration.create({
      data: {
        dealId: ids.registration!,
        status: 'PendingReview',
        contractValue: 1_000_000,
        currency: 'JPY',
        contractSignedDate: new Date('2026-11-01'),
        contractStartDate: new Date('2026-11-01'),
        contractEndDate: new Date('2027-10-31'),
        deployedOnAzure: true,
        marketplaceTransaction: false,
        submittedByName: 'Yuki Tokyo',
      },
    });
    await create('syncFailed', 'Sync failed deal');
    await prisma.deal.update({ where: { id: ids.syncFailed }, data: { pcState: 'failed' } });
    await a.settle();
    stub.reset();
  });

  afterAll(async () => {
    await a?.close();
    await stub?.close();
    for (const d of extraDbs) await d.close();
  });

  test('08:59 on Monday in Tokyo: nothing is due anywhere', async () => {
    now = utc(-1, '23:59');
    expect(await a.app.digest.runOnce()).toEqual([]);
    await a.settle();
    expect(digestPosts()).toEqual([]);
  });

  test('09:00 in Tokyo: Tokyo’s channel gets one digest with every category; Osaka (nothing to say) gets no post; Seattle (UTC) is not due yet', async () => {
    now = utc(0, '00:00');
    expect((await a.app.digest.runOnce()).sort()).toEqual([OSAKA, TOKYO].sort());
    await a.settle();
    const posts = digestPosts();
    expect(posts.map((p) => p.conversationId)).toEqual([CHANNEL]);
    const card = adaptiveCards(posts[0]!.activity)[0];
    const text = cardText(card);
    expect(text).toContain('Daily digest: Contoso Japan – Tokyo');
    // Waiting referrals, the soonest first, days counted in Tokyo; the expired one is not offered.
    expect(text).toContain('Referrals waiting for an answer (2)');
    expect(text.indexOf('東京 データ分析 評価')).toBeLessThan(text.indexOf('北海道 移行評価'));
    expect(text).toMatch(/Answer by .* \(2 days left\)/);
    expect(text).not.toContain('Expired but not swept');
    // Accept and Decline on each referral, with the referral card's own verbs.
    const buttons = JSON.stringify(card).match(/"verb":"referral\.(accept|decline)","data":\{"dealId":"[^"]+"/g) ?? [];
    expect(buttons).toHaveLength(4);
    expect(buttons[0]).toContain(ids.soon!);
    expect(text).toContain('Past their Estimated close date (1)');
    expect(text).toContain('Overdue migration');
    expect(text).toContain('No Sales stage change for 30 days or more (1)');
    expect(text).toContain('Stalled assessment');
    expect(text).not.toContain('Old but moving');
    expect(text).toContain('Registrations waiting for Review (1)');
    expect(text).toContain('Registered deal');
    expect(text).toContain('Partner Center sync failures (1)');
    expect(text).toContain('Sync failed deal');
    expect(await db().prisma.digestRun.count({ where: { postedAt: { not: null } } })).toBe(2);
  });

  test('an Accept on the digest opens the referral’s accept form (the existing verb)', async () => {
    const card = adaptiveCards(digestPosts()[0]!.activity)[0];
    const accept = JSON.parse(JSON.stringify(card).match(/\{"type":"Action.Execute","title":"Accept","verb":"referral.accept","data":(\{[^}]+\})/)![1]!);
    const click = cardAction('referral.accept', accept, { from: PEOPLE.tokyoUser, chat: 'channel' });
    const res = await post(a, click);
    expect(res.status).toBe(200);
    expect(cardText(res.body.value)).toContain('東京 データ分析 評価');
    expect(JSON.stringify(res.body.value)).toContain('referral.acceptSubmit');
  });

  test('two instances at the same moment: Seattle’s digest (09:00 UTC) is taken once and posted once, to its admins in personal chat', async () => {
    const b = await instance();
    try {
      stub.reset();
      now = utc(0, '09:00');
      const [ra, rb] = await Promise.all([a.app.digest.runOnce(), b.app.digest.runOnce()]);
      expect([...ra, ...rb]).toEqual([SEATTLE]);
      await Promise.all([a.settle(), b.settle()]);
      const posts = digestPosts();
      // Only the global admin may answer Seattle's referrals and has a personal chat with the bot.
      expect(posts.map((p) => p.conversationId)).toEqual([personalOf('aad-admin')]);
      expect(cardText(adaptiveCards(posts[0]!.activity)[0])).toContain('Seattle FinOps');
      // Later that day, on either instance: nothing again.
      now = utc(0, '11:00');
      expect([...(await a.app.digest.runOnce()), ...(await b.app.digest.runOnce())]).toEqual([]);
      await Promise.all([a.settle(), b.settle()]);
      expect(digestPosts()).toHaveLength(1);
    } finally {
      await b.close();
    }
  });

  test('a restart the same day does not repeat the digest; a day taken but not yet posted when the process died is posted by the next start, once', async () => {
    await a.close();
    stub.reset();
    now = utc(0, '03:00'); // Monday noon in Tokyo
    let c = await instance();
    try {
      expect(await c.app.digest.runOnce()).toEqual([]);
      await c.settle();
      expect(digestPosts()).toEqual([]);
    } finally {
      await c.close();
    }
    // Tuesday 09:00 in Tokyo: the day is taken and its job written, and then the process is gone before the post.
    const tuesday = utc(1, '00:00').toISOString().slice(0, 10);
    now = utc(1, '00:05');
    expect(await new DigestStore(db().prisma).take(TOKYO, tuesday, postDailyDigest(TOKYO, tuesday, now))).toBe(true);
    c = await instance(); // its worker picks up what the last one left
    try {
      await c.settle();
      expect(digestPosts().map((p) => p.conversationId)).toEqual([CHANNEL]);
      // Its own start looked at the clock too (Osaka's Tuesday, nothing to say); Tokyo's day is not taken again.
      expect(await c.app.digest.runOnce()).not.toContain(TOKYO);
      await c.settle();
      expect(await db().prisma.digestRun.findMany({ where: { day: tuesday }, select: { locationId: true }, orderBy: { locationId: 'asc' } })).toEqual([{ locationId: OSAKA }, { locationId: TOKYO }]);
      expect(digestPosts()).toHaveLength(1);
    } finally {
      await c.close();
    }
    a = await instance();
  });

  test('Friday 23:30 UTC: Seattle’s Friday digest is due; in Tokyo it is Saturday, and nothing is posted there', async () => {
    stub.reset();
    now = utc(4, '23:30');
    expect(await a.app.digest.runOnce()).toEqual([SEATTLE]);
    now = utc(5, '01:00'); // Saturday 10:00 in Tokyo
    expect(await a.app.digest.runOnce()).toEqual([]);
    await a.settle();
    expect(digestPosts().map((p) => p.conversationId)).toEqual([personalOf('aad-admin')]);
  });

  test('`digest now`: a user is told it is for admins (ja/en); an admin in the linked channel gets Tokyo’s digest at once', async () => {
    stub.reset();
    const refused = channelMessage('digest now', { from: PEOPLE.tokyoUser, serviceUrl: stub.url });
    await a.post(refused);
    expect(cardText(replyCards(stub.calls, refused)[0])).toContain('Only a Referrals admin can do this.');
    const refusedJa = personalMessage('ダイジェスト', { from: PEOPLE.tokyoUser, locale: 'ja-JP', serviceUrl: stub.url });
    await a.post(refusedJa);
    expect(cardText(replyCards(stub.calls, refusedJa)[0])).toContain('この操作は紹介管理者のみが行えます。');
    expect(digestPosts()).toEqual([]);

    await a.post(channelMessage('digest now', { from: PEOPLE.tokyoAdmin, serviceUrl: stub.url }));
    const posts = digestPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.conversationId).toContain(CHANNEL);
    const text = cardText(adaptiveCards(posts[0]!.activity)[0]);
    expect(text).toContain('Contoso Japan – Tokyo');
    expect(text).toContain('東京 データ分析 評価');
  });

  test('`ダイジェスト` in personal chat: a Japanese digest of every location in the admin’s scope that has something to say', async () => {
    stub.reset();
    await a.post(personalMessage('ダイジェスト', { from: PEOPLE.admin, locale: 'ja-JP', serviceUrl: stub.url }));
    const texts = digestPosts().map((p) => cardText(adaptiveCards(p.activity)[0]));
    expect(texts).toHaveLength(2);
    expect(texts.join('\n')).toContain('デイリー ダイジェスト: Contoso Japan – Tokyo');
    expect(texts.join('\n')).toContain('デイリー ダイジェスト: Contoso US – Seattle');
    expect(texts.join('\n')).toContain('応答を待っている紹介');
    expect(texts.join('\n')).not.toContain('Osaka');
  });

  test('`digest now` where nothing needs attention says so (not silence)', async () => {
    const people = a.app.services.people;
    const user = await people.ensureUser({ aadObjectId: 'aad-osakaadmin', name: 'Osamu Osaka-Admin', email: 'osakaadmin@contoso.example' });
    await people.setRole(user.id, 'admin', { global: false, locations: [OSAKA] });
    stub.reset();
    const ask = personalMessage('digest now', { from: { id: '29:1osakaadmin', aadObjectId: 'aad-osakaadmin', name: 'Osamu Osaka-Admin' }, serviceUrl: stub.url });
    await a.post(ask);
    const sent = stub.calls.filter((c) => c.kind === 'send' || c.kind === 'reply').flatMap((c) => adaptiveCards(c.activity)).map(cardText);
    expect(sent.join('\n')).toContain('Nothing needs attention');
    expect(sent.join('\n')).toContain('Contoso Japan – Osaka');
  });
});
