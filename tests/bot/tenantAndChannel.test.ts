import { catalog } from '../../cards/i18n';
import { click, say, verbsOf } from '../admin/helpers';
import { ALICE, BOB, TENANT_ID, cardAction, cardText, membersAdded, personalMessage, teamsUser, type TeamsActivity } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';

/**
 * Issue 15 item 5: the bot serves Microsoft Teams users of its own tenant, known by their Entra ID. Others get a
 * polite refusal in their language, and nothing about them is recorded (no person, no conversation, no greeting).
 */

const en = catalog('en');
const ja = catalog('ja');
const OTHER_TENANT = '99999999-0000-4000-8000-0000000000ff';
const MALLORY = teamsUser('Mallory Other-Tenant');

/** What the bot sent during one request: plain text and card text together. */
async function answered(app: TestApp, activity: TeamsActivity): Promise<{ status: number; text: string; body: any }> {
  const before = app.stub.calls.length;
  const res = await app.post(activity);
  const sent = app.stub.calls.slice(before).filter((c) => c.kind === 'reply' || c.kind === 'send');
  const text = sent.map((c) => [c.activity.text ?? '', ...(c.activity.attachments ?? []).map((a: any) => cardText(a.content))].join('\n')).join('\n');
  return { status: res.status, text, body: res.body };
}

async function recorded(app: TestApp, aadObjectId: string) {
  const users = await app.db.prisma.user.count({ where: { aadObjectId } });
  const conversations = await app.db.prisma.conversationRef.count({ where: { id: { contains: aadObjectId } } });
  return { users, conversations };
}

describe('ALLOWED_TENANTS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ALLOWED_TENANTS: TENANT_ID } });
  });
  afterAll(() => app?.close());

  test('a user of another tenant is refused politely (en and ja) and not recorded', async () => {
    const enAnswer = await answered(app, personalMessage('help', { from: MALLORY, tenantId: OTHER_TENANT }));
    expect(enAnswer.status).toBe(200);
    expect(enAnswer.text).toContain(en['access.otherTenant']);
    const jaAnswer = await answered(app, personalMessage('新しい取引', { from: MALLORY, tenantId: OTHER_TENANT, locale: 'ja-JP' }));
    expect(jaAnswer.text).toContain(ja['access.otherTenant']);
    expect(await recorded(app, MALLORY.aadObjectId)).toEqual({ users: 0, conversations: 0 });
  });

  test('a user of another tenant cannot win the first-admin offer, by message or by a forged click', async () => {
    const said = await answered(app, personalMessage('admin', { from: MALLORY, tenantId: OTHER_TENANT }));
    expect(said.text).not.toContain(en['admin.offer.claimedTitle']);
    const forged = await app.post(cardAction('admin.bootstrap.claim', {}, { from: MALLORY, tenantId: OTHER_TENANT }));
    expect(forged.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(cardText(forged.body.value)).toContain(en['access.otherTenant']);
    expect(await app.db.prisma.user.count({ where: { role: 'admin' } })).toBe(0);
    expect(await recorded(app, MALLORY.aadObjectId)).toEqual({ users: 0, conversations: 0 });
  });

  test('installing the app in another tenant greets nobody and records no conversation', async () => {
    const before = await app.db.prisma.conversationRef.count();
    const res = await answered(app, membersAdded({ from: MALLORY, tenantId: OTHER_TENANT }));
    expect(res.text).toBe('');
    expect(await app.db.prisma.conversationRef.count()).toBe(before);
  });

  test('a user of the allowed tenant is served (and recorded)', async () => {
    const said = await say(app, 'help', { from: ALICE });
    expect(said.text).not.toContain(en['access.otherTenant']);
    expect((await recorded(app, ALICE.aadObjectId)).users).toBe(1);
  });

  test('a tenant only in conversation.tenantId or in another case is the same tenant', async () => {
    const activity = personalMessage('help', { from: BOB, tenantId: TENANT_ID.toUpperCase() });
    const said = await answered(app, activity);
    expect(said.text).not.toContain(en['access.otherTenant']);
  });
});

describe('channel and identity', () => {
  let app: TestApp;
  beforeAll(async () => {
    // BOOTSTRAP_ADMINS names Alice's Teams user id: it must not make anyone an admin through from.id.
    app = await startTestApp({ env: { ALLOWED_TENANTS: TENANT_ID, BOOTSTRAP_ADMINS: ALICE.id } });
  });
  afterAll(() => app?.close());

  test('Direct Line posing as a Teams user by from.id is refused and not recorded', async () => {
    const activity = personalMessage('admin', { from: ALICE });
    activity.channelId = 'directline';
    const res = await answered(app, activity);
    expect(res.text).toContain(en['access.otherChannel']);
    expect(await app.db.prisma.user.count()).toBe(0);
    expect(await app.db.prisma.conversationRef.count()).toBe(0);
  });

  test('a Teams activity without from.aadObjectId is refused: identity is the Entra ID only, never from.id', async () => {
    const activity = personalMessage('admin', { from: ALICE });
    delete (activity.from as { aadObjectId?: string }).aadObjectId;
    const res = await answered(app, activity);
    expect(res.text).toContain(en['access.noIdentity']);
    expect(await app.db.prisma.user.count()).toBe(0);
    expect(await app.db.prisma.conversationRef.count()).toBe(0);
  });

  test('a Teams activity without any tenant is refused', async () => {
    const activity = personalMessage('help', { from: BOB });
    activity.channelData = {};
    delete (activity.conversation as { tenantId?: string }).tenantId;
    const res = await answered(app, activity);
    expect(res.text).toContain(en['access.otherTenant']);
    expect(await recorded(app, BOB.aadObjectId)).toEqual({ users: 0, conversations: 0 });
  });

  test('the Bot Framework Emulator is accepted in local mode (loopback only)', async () => {
    const activity = personalMessage('help', { from: BOB });
    activity.channelId = 'emulator';
    activity.channelData = {};
    delete (activity.conversation as { tenantId?: string }).tenantId;
    const res = await answered(app, activity);
    expect(res.text).not.toContain(en['access.otherChannel']);
    expect(res.text).not.toContain(en['access.otherTenant']);
  });
});

describe('without ALLOWED_TENANTS or MicrosoftAppTenantId: the first admin’s tenant', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  test('the first admin’s tenant is recorded; a user of another tenant is refused from then on and not recorded', async () => {
    const offered = await say(app, 'hi there', { from: ALICE });
    expect(verbsOf(offered.cards)).toContain('admin.bootstrap.claim');
    const claimed = await click(app, 'admin.bootstrap.claim', {}, { from: ALICE });
    expect(claimed.text).toContain(en['admin.offer.claimedTitle']);
    expect(await app.app.services.tenant.recorded()).toBe(TENANT_ID);

    const refused = await answered(app, personalMessage('help', { from: MALLORY, tenantId: OTHER_TENANT, locale: 'ja-JP' }));
    expect(refused.text).toContain(ja['access.otherTenant']);
    expect(await recorded(app, MALLORY.aadObjectId)).toEqual({ users: 0, conversations: 0 });

    const colleague = await say(app, 'help', { from: BOB });
    expect(colleague.text).not.toContain(en['access.otherTenant']);
  });
});
