import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPartnerCenterSandbox, type Sandbox } from '../../scripts/partnerCenterSandbox';
import { TOKYO, seedBasics } from '../helpers/fixtures';
import { adaptiveCards, cardAction, cardText, channelMessage, personalMessage } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { PEOPLE } from '../referrals/referralTestKit';

/**
 * Issue 13 end to end: Partner Center (the shipped sandbox, a test double of the Referrals API and its webhooks) ⇄
 * the bot (/api/messages with the connector stand-in). Referrals arrive by webhook and by poll; Accept, stage, Won,
 * Lost and edits go back as one PATCH each under If-Match; a 412 applies their change first; Partner Center being
 * down loses nothing; a referral for an unmapped location waits for an admin; a deal made in Teams is POSTed.
 */

const PC_TOKYO = 'pc-location-tokyo';
const CHANNEL = '19:dealsChannel0000@thread.tacv2';

describe('Partner Center sync through the sandbox', () => {
  /** Undone after the current test whatever its outcome (a hanging sandbox must not fail the tests after it). */
  const undo: (() => void)[] = [];
  const afterThis = (fn: () => void) => undo.push(fn);
  afterEach(() => undo.splice(0).forEach((fn) => fn()));
  let sb: Sandbox;
  let app: TestApp;
  let seeded: Awaited<ReturnType<typeof seedBasics>>;

  /** Waits for webhook deliveries and every job they caused (a user a moment later). */
  const settle = async () => {
    await sb.webhooksIdle();
    await app.settle();
  };
  const dealOf = (referralId: string) => app.db.prisma.deal.findUnique({ where: { pcReferralId: referralId }, include: { notes: { orderBy: { createdAt: 'asc' } }, team: true } });
  const patches = (id: string) => sb.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/${id}`));
  const click = (verb: string, data: Record<string, unknown>, from = PEOPLE.tokyoUser, locale = 'en-US') =>
    app.post(cardAction(verb, data, { from, locale, chat: 'channel' }));
  const lastCardIn = (conversationId: string) => {
    const calls = app.stub.calls.filter((c) => c.conversationId === conversationId && (c.kind === 'send' || c.kind === 'reply' || c.kind === 'update'));
    return adaptiveCards(calls[calls.length - 1]!.activity)[0];
  };
  const newReferral = (extra: Record<string, unknown> = {}) =>
    sb.createAsMicrosoft({
      name: 'Northwind – Azure Cost Optimization assessment',
      target: [{ type: 'BusinessProfileLocation', id: PC_TOKYO }],
      details: { dealValue: 2_000_000, currency: 'JPY', closingDateTime: new Date(Date.now() + 60 * 86_400_000).toISOString(), notes: 'Looking to cut Azure spend.', requirements: { solutions: [{ id: 'sa-aco', name: 'Azure Cost Optimization' }] } },
      customerProfile: { name: 'Northwind Traders KK', address: { city: 'Tokyo', country: 'JP' }, team: [] },
      ...extra,
    } as never);

  beforeAll(async () => {
    sb = await startPartnerCenterSandbox();
    const dir = mkdtempSync(join(tmpdir(), 'cosell-pc-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, sb.caPem);
    app = await startTestApp({
      env: {
        SWEEP_INTERVAL_SECONDS: '86400',
        PARTNER_CENTER_TOKEN: sb.token,
        PARTNER_CENTER_API_URL: sb.url,
        PARTNER_CENTER_CERT_HOSTS: sb.certHost,
        PARTNER_CENTER_WEBHOOK_CA_FILE: caFile,
        PARTNER_CENTER_POLL_SECONDS: '86400',
        PARTNER_CENTER_TIMEOUT_SECONDS: '3',
        PARTNER_CENTER_WEBHOOK_REGISTRATION_URL: sb.webhookRegistrationUrl,
      },
    });
    seeded = await seedBasics(app.db.prisma);
    await app.post(channelMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoAdmin }));
    // The admin maps Tokyo to its Partner Center location, in chat.
    const mapped = await app.post(personalMessage(`pc location ${TOKYO} ${PC_TOKYO}`, { from: PEOPLE.admin }));
    expect(mapped.status).toBe(200);
    sb.setWebhookUrl(`${app.url}/api/partner-center/events`);
    await settle();
  }, 60_000);

  test('a global admin registers the webhook in Partner Center from chat; a Tokyo admin may not', async () => {
    sb.setWebhookUrl(undefined);
    // The public address is where Partner Center reaches the bot (here: the test server itself).
    (app.config as { PUBLIC_BASE_URL?: string }).PUBLIC_BASE_URL = app.url;
    const refused = await app.post(personalMessage('partner center webhook', { from: PEOPLE.tokyoAdmin }));
    expect(refused.status).toBe(200);
    const registration = () => fetch(sb.webhookRegistrationUrl, { headers: { authorization: `Bearer ${sb.token}` } });
    expect((await registration()).status).toBe(404);
    await app.post(personalMessage('PCウェブフック', { from: PEOPLE.admin, locale: 'ja-JP' }));
    const calls = app.stub.calls.filter((c) => c.kind === 'reply' || c.kind === 'send');
    expect(cardText(adaptiveCards(calls[calls.length - 1]!.activity)[0])).toContain('Partner Center から紹介のイベントが');
    expect(await (await registration()).json()).toEqual({ WebhookUrl: `${app.url}/api/partner-center/events`, WebhookEvents: ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'] });
    // And it works: a referral created now arrives through the registered webhook.
    const r = newReferral();
    await settle();
    expect(await dealOf(r.id)).toMatchObject({ status: 'New' });
  });
  afterAll(async () => {
    await app?.close();
    await sb?.close();
  });

  test('a referral created in Partner Center arrives by webhook as a New deal whose card is posted to the linked channel', async () => {
    const r = newReferral();
    await settle();
    const deal = await dealOf(r.id);
    expect(deal).toMatchObject({ status: 'New', substatus: 'Received', locationId: TOKYO, name: r.name, type: 'solutionAssessment', assessmentType: 'Azure Cost Optimization' });
    expect(deal!.pcETag).toBe(sb.referrals.get(r.id)!.eTag);
    const card = lastCardIn(CHANNEL);
    expect(cardText(card)).toContain(r.name!);
    expect(card.actions.some((a: any) => a.type === 'Action.OpenUrl' && String(a.url).includes(r.id))).toBe(true);
    // A repeat of the same event never duplicates.
    sb.updateAsMicrosoft(r.id, {});
    await settle();
    expect(await app.db.prisma.deal.count({ where: { pcReferralId: r.id } })).toBe(1);
  });

  test('Accept in Teams goes back to Partner Center once, with If-Match, our team and notes; a value change there shows on the card', async () => {
    const r = newReferral();
    await settle();
    const deal = (await dealOf(r.id))!;
    const eTag = sb.referrals.get(r.id)!.eTag;
    const res = await click('referral.acceptSubmit', {
      dealId: deal.id,
      version: deal.version,
      name: deal.name,
      value: '2000000',
      currency: 'JPY',
      closeDate: deal.closeDate.toISOString().slice(0, 10),
      notes: 'Kick-off with the customer next week.',
      member0Name: 'Yuki Tokyo',
      member0Email: 'tokyouser@contoso.example',
      member0Phone: '+81 3 1234 5678',
    });
    expect(res.status).toBe(200);
    await settle();
    const sent = patches(r.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['if-match']).toBe(eTag);
    const inPc = sb.referrals.get(r.id)!;
    expect(inPc).toMatchObject({ status: 'Active', substatus: 'Accepted' });
    expect(inPc.team?.map((m) => m.email)).toEqual(['tokyouser@contoso.example']);
    expect(inPc.details?.notes).toContain('Kick-off with the customer next week.');
    expect((await dealOf(r.id))!.pcState).toBe('synced');

    // Microsoft changes the value in Partner Center: the deal and its posted card follow, nothing is pushed back.
    sb.updateAsMicrosoft(r.id, { details: { dealValue: 3_500_000 } } as never);
    await settle();
    expect(Number((await dealOf(r.id))!.value)).toBe(3_500_000);
    expect(cardText(lastCardIn(CHANNEL))).toContain('3,500,000');
    expect(patches(r.id)).toHaveLength(1);
  });

  test('a stage and Lost are each pushed once; Partner Center being down (500s) delays but loses nothing', async () => {
    const r = newReferral();
    await settle();
    let deal = (await dealOf(r.id))!;
    const accepted = await app.app.services.commands.execute(deal.id, { type: 'accept', input: { name: deal.name, value: 2_000_000, closeDate: deal.closeDate.toISOString().slice(0, 10), notes: 'ok', team: [{ name: 'Yuki Tokyo', email: 'tokyouser@contoso.example', phone: '+81 3 1234 5678', userId: seeded.actors.tokyoUser.id }] } }, seeded.actors.tokyoUser);
    expect(accepted.ok || accepted.refusal.code).toBe(true);
    await settle();
    deal = (await dealOf(r.id))!;
    sb.failNext(2, 500);
    const staged = await app.app.services.commands.execute(deal.id, { type: 'completeStage', input: { stage: 'secureCustomerLoe' } }, seeded.actors.tokyoUser);
    expect(staged.ok || staged.refusal.code).toBe(true);
    await settle();
    // The first attempt failed: the deal says it is not yet in Partner Center, and why, in the reader's words.
    expect(await dealOf(r.id)).toMatchObject({ pcState: 'pending', pcNotice: { code: 'failed', reason: 'unavailable' } });
    const mine = await click('deal.refresh', { dealId: deal.id }, PEOPLE.tokyoUser, 'ja-JP');
    // How long it has been waiting (the backlog), in the reader's time: since the first failed attempt.
    expect(cardText(mine.body.value)).toMatch(/Partner Center に未反映です \(\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2} から\)。再試行しています \(Partner Center に接続できません\)/);
    // Later (the worker's backoff), Partner Center is back: the change arrives once.
    for (let hours = 2; hours <= 8 && (await dealOf(r.id))!.pcState !== 'synced'; hours += 2) {
      await app.app.services.jobs.runOnce(new Date(Date.now() + hours * 3_600_000));
    }
    await settle();
    expect(sb.referrals.get(r.id)!.details?.notes).toContain('Secure customer LOE');
    expect((await dealOf(r.id))!.pcState).toBe('synced');
    await app.app.services.commands.execute(deal.id, { type: 'lose', input: { reason: 'budgetNotAdequate' } }, seeded.actors.tokyoUser);
    await settle();
    expect(sb.referrals.get(r.id)).toMatchObject({ status: 'Closed', substatus: 'Lost' });
    expect(sb.referrals.get(r.id)!.statusReason).toContain("budget isn't adequate");
    // One PATCH per change that went through: accept, the stage, Lost.
    expect(patches(r.id).filter((q) => q.status === 200)).toHaveLength(3);
  });

  test('Partner Center hanging: clicks answer at once, the changes wait (the card says since when) and reach it once, in order', async () => {
    const r = newReferral();
    await settle();
    const deal = (await dealOf(r.id))!;
    sb.hang(10 * 60_000);
    afterThis(() => sb.resume());
    const pending = () => sb.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith(`/${r.id}`) && q.status === 200);
    const accepted = await app.postOnly(
      cardAction('referral.acceptSubmit', { dealId: deal.id, version: deal.version, name: deal.name, value: '2000000', currency: 'JPY', closeDate: deal.closeDate.toISOString().slice(0, 10), notes: 'Accepted while Partner Center hung.', member0Name: 'Yuki Tokyo', member0Email: 'tokyouser@contoso.example', member0Phone: '+81 3 1234 5678' }, { from: PEOPLE.tokyoUser, chat: 'channel' }),
    );
    // The clicker has their answer while Partner Center has answered nothing.
    expect(cardText(accepted.body.value)).toContain('Accepted');
    expect(pending()).toEqual([]);
    await app.settle(); // the first push times out (3 s) and waits for its retry
    const afterAccept = (await dealOf(r.id))!;
    expect(afterAccept).toMatchObject({ pcState: 'pending', pcNotice: { code: 'failed', reason: 'unavailable' } });
    const staged = await app.postOnly(cardAction('deal.completeStage', { dealId: deal.id, version: afterAccept.version, stage: 'secureCustomerLoe' }, { from: PEOPLE.tokyoUser, chat: 'channel' }));
    expect(cardText(staged.body.value)).toContain('Secure customer LOE');
    await app.settle();
    const card = cardText((await click('deal.refresh', { dealId: deal.id })).body.value);
    // In the reader's own zone (this English test user's is Los Angeles).
    // In the reader's own zone (this English test user's is Los Angeles).
    expect(card).toMatch(/Not yet in Partner Center \(since [A-Z][a-z]{2} \d{1,2}, \d{4},? \d{1,2}:\d{2}\s?[AP]M PST\) — retrying \(Partner Center is unavailable\)/);
    expect(pending()).toEqual([]);

    sb.resume();
    for (let hours = 1; hours <= 12 && (await dealOf(r.id))!.pcState !== 'synced'; hours += 1) {
      await app.app.services.jobs.runOnce(new Date(Date.now() + hours * 3_600_000));
    }
    await settle();
    const inPc = sb.referrals.get(r.id)!;
    expect(inPc).toMatchObject({ status: 'Active', substatus: 'Accepted' });
    const notes = inPc.details?.notes ?? '';
    // Each change once, the accept before the stage.
    expect(notes.split('Accepted while Partner Center hung.').length).toBe(2);
    expect(notes.split('Secure customer LOE').length).toBe(2);
    expect(notes.indexOf('Accepted while Partner Center hung.')).toBeLessThan(notes.indexOf('Secure customer LOE'));
    expect((await dealOf(r.id))!).toMatchObject({ pcState: 'synced', pcNotice: null });
    expect(cardText((await click('deal.refresh', { dealId: deal.id })).body.value)).toContain('Up to date');
  }, 120_000);

  test('412: Partner Center changed the referral first — their change is applied, ours decided again and sent once', async () => {
    const r = newReferral();
    await settle();
    const deal = (await dealOf(r.id))!;
    // Microsoft edits the close date in Partner Center, but the webhook is lost.
    sb.setWebhookUrl(undefined);
    sb.updateAsMicrosoft(r.id, { details: { closingDateTime: '2027-06-30T00:00:00Z' } } as never);
    sb.setWebhookUrl(`${app.url}/api/partner-center/events`);
    // We accept with our own value: the PATCH carries the old eTag → 412 → their date is applied, our accept re-sent.
    await app.app.services.commands.execute(deal.id, { type: 'accept', input: { name: deal.name, value: 2_500_000, closeDate: deal.closeDate.toISOString().slice(0, 10), notes: 'ok', team: [] } }, seeded.actors.tokyoUser);
    await settle();
    const statuses = sb.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith(`/${r.id}`)).map((q) => q.status);
    expect(statuses).toEqual([412, 200]);
    const inPc = sb.referrals.get(r.id)!;
    expect(inPc).toMatchObject({ status: 'Active', substatus: 'Accepted' });
    expect(inPc.details?.dealValue).toBe(2_500_000);
    // Their later close date was kept, not overwritten by ours.
    expect(inPc.details?.closingDateTime?.slice(0, 10)).toBe('2027-06-30');
    expect((await dealOf(r.id))!.closeDate.toISOString().slice(0, 10)).toBe('2027-06-30');
  });

  test('a referral found only by the poll (no webhook) arrives just the same', async () => {
    sb.setWebhookUrl(undefined);
    const r = newReferral();
    await app.app.services.partnerCenter!.sync.poll();
    await settle();
    expect(await dealOf(r.id)).toMatchObject({ status: 'New', locationId: TOKYO });
    sb.setWebhookUrl(`${app.url}/api/partner-center/events`);
  });

  test('a poll of 150 new referrals (two pages, with ones we have) stores each once, each company once; a second poll adds nothing', async () => {
    sb.setWebhookUrl(undefined);
    const customersBefore = await app.db.prisma.customer.count();
    const made = Array.from({ length: 150 }, (_, i) =>
      newReferral({
        name: `Poll batch ${i}`,
        // Ten companies: five known by DUNS, five by name and city; each appears 15 times across the pages.
        customerProfile: { name: `Batch Company ${i % 10}`, address: { city: 'Tokyo', country: 'JP' }, team: [], ...(i % 10 < 5 ? { ids: { Duns: `90000000${i % 10}` } } : {}) },
        ...(i === 7 ? { target: [{ type: 'BusinessProfileLocation', id: 'pc-location-nagoya' }] } : {}),
        ...(i === 8 ? { status: 'Active', substatus: 'Accepted' } : {}),
      }),
    );
    const first = await app.app.services.partnerCenter!.sync.poll();
    await app.settle(120_000); // 148 cards to post
    expect(first.created).toBe(148); // one waits for its location to be mapped, one is not waiting for an answer
    const deals = await app.db.prisma.deal.findMany({ where: { name: { startsWith: 'Poll batch ' } }, include: { notes: true, customer: true } });
    expect(deals).toHaveLength(148);
    expect(new Set(deals.map((d) => d.pcReferralId))).toEqual(new Set(made.filter((_, i) => i !== 7 && i !== 8).map((r) => r.id)));
    for (const d of deals) {
      expect(d).toMatchObject({ status: 'New', substatus: 'Received', locationId: TOKYO, pcState: 'synced' });
      expect(d.notes.map((n) => n.text)).toEqual(['Looking to cut Azure spend.']);
      expect(d.customer.name).toBe(`Batch Company ${Number(d.name.split(' ').pop()) % 10}`);
    }
    expect(await app.db.prisma.customer.count()).toBe(customersBefore + 10);
    expect(await app.db.prisma.customer.count({ where: { duns: { startsWith: '90000000' } } })).toBe(5);
    expect(await app.db.prisma.auditEvent.count({ where: { dealId: { in: deals.map((d) => d.id) } } })).toBe(148);
    expect(await app.db.prisma.partnerCenterUnmapped.count({ where: { id: made[7]!.id } })).toBe(1);
    // Every new referral's card reached the linked channel, once.
    const posted = app.stub.calls.filter((c) => c.conversationId === CHANNEL && c.kind !== 'update' && adaptiveCards(c.activity).some((card) => /Poll batch \d+/.test(cardText(card))));
    expect(posted).toHaveLength(148);

    const second = await app.app.services.partnerCenter!.sync.poll();
    await app.settle();
    expect(second.created).toBe(0);
    expect(await app.db.prisma.deal.count({ where: { name: { startsWith: 'Poll batch ' } } })).toBe(148);
    expect(await app.db.prisma.customer.count()).toBe(customersBefore + 10);
    sb.setWebhookUrl(`${app.url}/api/partner-center/events`);
  }, 180_000);

  test('forged, unsigned and altered webhooks are refused with 401 and nothing is read', async () => {
    const body = Buffer.from(JSON.stringify({ EventName: 'referral-created', ResourceUri: `${sb.url}/does-not-exist`, ResourceName: 'Referral', AuditUri: null, ResourceChangeUtcDate: new Date().toISOString() }));
    const before = sb.requests.length;
    const post = (headers: Record<string, string>, b: Buffer = body) =>
      fetch(`${app.url}/api/partner-center/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: b });
    expect((await post({})).status).toBe(401);
    const signed = sb.signWebhook(body);
    expect((await post({ ...signed, authorization: 'Signature ' + Buffer.from('forged').toString('base64') })).status).toBe(401);
    expect((await post(signed, Buffer.from(body.toString().replace('created', 'updated')))).status).toBe(401);
    expect((await post({ ...signed, 'x-ms-certificate-url': 'https://evil.example/cert.cer' })).status).toBe(401);
    await settle();
    expect(sb.requests.slice(before).filter((q) => q.path.includes('does-not-exist'))).toEqual([]);
  });

  test('a referral for an unmapped Partner Center location waits; the admin maps it from the card and it is routed', async () => {
    await app.post(personalMessage('help', { from: PEOPLE.admin }));
    const r = newReferral({ target: [{ type: 'BusinessProfileLocation', id: 'pc-location-osaka' }] });
    await settle();
    expect(await dealOf(r.id)).toBeNull();
    const adminChat = app.stub.calls.filter((c) => adaptiveCards(c.activity).some((card) => cardText(card).includes('pc-location-osaka')));
    expect(adminChat.length).toBeGreaterThan(0);
    const res = await app.post(cardAction('pc.mapLocation', { referralId: r.id, pcLocationId: 'pc-location-osaka', mapLocationId: 'contoso-jp-osaka' }, { from: PEOPLE.admin }));
    expect(cardText(res.body.value)).toContain('pc-location-osaka');
    await settle();
    expect(await dealOf(r.id)).toMatchObject({ status: 'New', locationId: 'contoso-jp-osaka' });
  });

  /** A co-sell deal made in Teams by the Tokyo user, as the wizard sends it. */
  const createInTeams = (fields: Record<string, unknown>) =>
    app.app.services.commands.create(
      {
        dealType: 'coSell',
        customerId: seeded.customer.id,
        locationId: TOKYO,
        value: 1_000_000,
        currency: 'JPY',
        closeDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
        notes: 'Created in the wizard.',
        team: [{ name: 'Yuki Tokyo', email: 'tokyouser@contoso.example', phone: '+81 3 1234 5678' }],
        solutions: [{ id: 'Azure Migration', name: 'Azure Migration' }],
        consent: true,
        ...fields,
      },
      seeded.actors.tokyoUser,
    );

  test('a deal created in Teams is POSTed to Partner Center and gets its referral id', async () => {
    const created = await createInTeams({ name: 'Fabrikam migration (made in Teams)' });
    if (!created.ok) throw new Error(created.refusal.code);
    await settle();
    const row = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: created.value.id } });
    expect(row.pcReferralId).toBeTruthy();
    const inPc = sb.referrals.get(row.pcReferralId!)!;
    expect(inPc).toMatchObject({ name: 'Fabrikam migration (made in Teams)', externalReferenceId: created.value.id });
    expect(inPc.target).toEqual([{ type: 'BusinessProfileLocation', id: PC_TOKYO }]);
    expect(sb.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/referrals'))).toHaveLength(1);
  });

  test("issue 14 §3: a contact edited in Teams replaces the referral's customer contact in Partner Center, once; theirs is not taken back", async () => {
    const created = await createInTeams({
      name: 'Fabrikam modernisation (contact edits)',
      contact: { name: 'Kenji Fabrikam', phone: '+81 3 9999 0000', email: 'kenji@fabrikam.example', consent: true },
    });
    if (!created.ok) throw new Error(created.refusal.code);
    await settle();
    const referralId = (await app.db.prisma.deal.findUniqueOrThrow({ where: { id: created.value.id } })).pcReferralId!;
    const customerTeam = () => sb.referrals.get(referralId)!.customerProfile?.team?.map((m) => [m.firstName, m.lastName, m.email, m.phoneNumber]);
    expect(customerTeam()).toEqual([['Kenji', 'Fabrikam', 'kenji@fabrikam.example', '+81 3 9999 0000']]);

    const edit = async (inputs: Record<string, unknown>) => {
      const version = (await app.db.prisma.deal.findUniqueOrThrow({ where: { id: created.value.id } })).version;
      expect((await click('deal.edit', { dealId: created.value.id, version, ...inputs })).status).toBe(200);
      await settle();
    };
    await edit({ contactPhone: '+81 3 1111 2222' });
    const sent = patches(referralId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toEqual([
      { op: 'replace', path: '/customerProfile/team', value: [{ firstName: 'Kenji', lastName: 'Fabrikam', email: 'kenji@fabrikam.example', phoneNumber: '+81 3 1111 2222' }] },
    ]);
    expect(customerTeam()).toEqual([['Kenji', 'Fabrikam', 'kenji@fabrikam.example', '+81 3 1111 2222']]);

    // A Microsoft seller changes the customer's contact in Partner Center: ours (with the consent confirmed here) stays.
    sb.updateAsMicrosoft(referralId, { customerProfile: { team: [{ firstName: 'Other', lastName: 'Person', email: 'other@fabrikam.example' }] } } as never);
    await settle();
    expect(await app.db.prisma.deal.findUniqueOrThrow({ where: { id: created.value.id } })).toMatchObject({ contactName: 'Kenji Fabrikam', contactPhone: '+81 3 1111 2222' });
    expect(patches(referralId)).toHaveLength(1);

    // The consent withdrawn with the details cleared: Partner Center's customer contact is emptied.
    await edit({ contactName: '', contactPhone: '', contactEmail: '', contactConsent: 'false' });
    expect(patches(referralId)).toHaveLength(2);
    expect(customerTeam()).toEqual([]);
    expect((await app.db.prisma.deal.findUniqueOrThrow({ where: { id: created.value.id } })).pcState).toBe('synced');
  });

  test('sync status and GET /healthz report the sync; the status card is in Japanese for a Japanese admin', async () => {
    const res = await app.post(personalMessage('同期状況', { from: PEOPLE.admin, locale: 'ja-JP' }));
    expect(res.status).toBe(200);
    const calls = app.stub.calls.filter((c) => c.kind === 'reply' || c.kind === 'send');
    expect(cardText(adaptiveCards(calls[calls.length - 1]!.activity)[0])).toContain('Partner Center との同期');
    const health = await app.get('/healthz');
    expect(health.body).toMatchObject({ status: 'ok', partnerCenter: { state: expect.any(String) } });
  });
});
