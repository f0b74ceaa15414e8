import type { TestApp } from '../helpers/testApp';
import { pcReferral, postReferral, request, startReferralApp, TOKEN } from './referralTestKit';

/** R26: POST /api/referrals — auth, validation (nothing stored on bad input), size limit, idempotency. */
describe('referral intake API', () => {
  let app: TestApp;
  const dealCount = () => app.db.prisma.deal.count();

  beforeAll(async () => {
    ({ app } = await startReferralApp());
  });
  afterAll(() => app?.close());

  test('a valid referral is stored as New / Received with its expiry, 201', async () => {
    const body = pcReferral({ sender: { type: 'microsoft', name: 'Sato (Microsoft seller)', callbackUrl: 'https://partner.example/cb' } });
    const res = await postReferral(app, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: true, referralId: body.id, status: 'New', substatus: 'Received', locationId: 'contoso-jp-tokyo' });
    const expires = new Date(res.body.expiresDateTime).getTime() - new Date(body.createdDateTime).getTime();
    expect(expires).toBe(14 * 86_400_000);
    const row = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: res.body.dealId }, include: { customer: true, notes: true } });
    expect(row).toMatchObject({
      direction: 'inbound',
      assessmentType: 'Azure Cost Optimization',
      contactName: 'Jiro Yamada',
      senderCallbackUrl: 'https://partner.example/cb',
      inviteNotes: 'Customer asked for a Japanese-speaking partner.',
    });
    expect(row.customer).toMatchObject({ name: 'Northwind Traders KK', country: 'JP', duns: '987654321' });
    expect(row.notes.map((n) => n.text)).toEqual(['Wants to cut Azure spend by 20 %.']);
  });

  test('the same referral again returns the existing deal (200), no duplicate; concurrent repeats too', async () => {
    const body = pcReferral();
    const first = await postReferral(app, body);
    expect(first.status).toBe(201);
    const before = await dealCount();
    const again = await Promise.all([postReferral(app, body), postReferral(app, body), postReferral(app, { ...body, name: 'renamed' })]);
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(again.map((r) => r.body.dealId))).toEqual(new Set([first.body.dealId]));
    expect(again[0]!.body.created).toBe(false);
    expect(await dealCount()).toBe(before);
  });

  test('the same id from a different sender is a different referral', async () => {
    const body = pcReferral();
    const a = await postReferral(app, body);
    const b = await postReferral(app, { ...body, sender: { type: 'partner', name: 'Fabrikam' }, inviteContext: { invitedBy: { organizationId: 'fabrikam-org' } } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.dealId).not.toBe(b.body.dealId);
  });

  test('missing fields: 400 listing every field, nothing stored', async () => {
    const before = await dealCount();
    const body = pcReferral();
    delete body.name;
    delete body.details.currency;
    delete body.customerProfile.address.country;
    delete body.targetLocation;
    const res = await postReferral(app, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_referral');
    const fields = res.body.errors.map((x: any) => x.field).sort();
    expect(fields).toEqual(['customerProfile.address.country', 'details.currency', 'name', 'targetLocation']);
    expect(res.body.errors.find((x: any) => x.field === 'name')).toMatchObject({ code: 'required', message: { en: 'This field is required.', ja: 'この項目は必須です。' } });
    expect(await dealCount()).toBe(before);
  });

  test('wrong types, bad currency and country, bad callback URL: one error each', async () => {
    const before = await dealCount();
    const res = await postReferral(
      app,
      pcReferral({
        details: { dealValue: 'lots', currency: 'YEN', closingDateTime: 'next week' },
        consent: { consentToShareInfoWithOthers: 'yes', consentToContact: true },
        customerProfile: { address: { country: 'XX', city: 'Tokyo' } },
        dealType: 'bigDeal',
        sender: { type: 'microsoft', name: 'Sato', callbackUrl: 'http://evil.example/cb' },
      }),
    );
    expect(res.status).toBe(400);
    const byField = Object.fromEntries(res.body.errors.map((x: any) => [x.field, x.code]));
    expect(byField).toEqual({
      'details.dealValue': 'notANumber',
      'details.currency': 'invalidCurrency',
      'details.closingDateTime': 'invalidDate',
      'consent.consentToShareInfoWithOthers': 'invalid',
      'customerProfile.address.country': 'invalidCountry',
      dealType: 'invalidChoice',
      'sender.callbackUrl': 'invalidUrl',
    });
    expect(await dealCount()).toBe(before);
  });

  test('an unknown location or assessment type is reported under the sender’s field names', async () => {
    const res = await postReferral(app, pcReferral({ targetLocation: 'contoso-mars', assessmentType: 'Moon landing' }));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((x: any) => x.field).sort()).toEqual(['assessmentType']);
    const res2 = await postReferral(app, pcReferral({ targetLocation: 'contoso-mars' }));
    expect(res2.status).toBe(400);
    expect(res2.body.errors).toEqual([expect.objectContaining({ field: 'targetLocation', code: 'invalidChoice' })]);
  });

  test('a body that is not JSON is refused', async () => {
    const res = await postReferral(app, '{"id": ');
    expect(res.status).toBe(400);
  });

  test('over 256 KB: 413, nothing stored', async () => {
    const before = await dealCount();
    const res = await postReferral(app, pcReferral({ details: { notes: 'x'.repeat(300 * 1024) } }));
    expect(res.status).toBe(413);
    expect(await dealCount()).toBe(before);
  });

  test('missing or wrong token: 401 and nothing stored', async () => {
    const before = await dealCount();
    const missing = await postReferral(app, pcReferral(), null);
    const wrong = await postReferral(app, pcReferral(), `${TOKEN}x`);
    const short = await postReferral(app, pcReferral(), 'abc');
    const basic = await request(app, 'POST', '/api/referrals', pcReferral(), { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` });
    expect([missing.status, wrong.status, short.status, basic.status]).toEqual([401, 401, 401, 401]);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(await dealCount()).toBe(before);
  });

  test('the notifications API is protected by the same token', async () => {
    expect((await request(app, 'GET', '/api/notifications?status=failed')).status).toBe(401);
    const ok = await request(app, 'GET', '/api/notifications?status=failed', undefined, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.body.items).toEqual([]);
    const bad = await request(app, 'GET', '/api/notifications?status=lost', undefined, { authorization: `Bearer ${TOKEN}` });
    expect(bad.status).toBe(400);
  });
});

describe('referral intake without a token configured', () => {
  test('is disabled: 503, nothing stored', async () => {
    const { app } = await startReferralApp({ REFERRALS_API_TOKEN: '' });
    try {
      const res = await postReferral(app, pcReferral(), 'anything-at-all-here');
      expect(res.status).toBe(503);
      expect(await app.db.prisma.deal.count()).toBe(0);
    } finally {
      await app.close();
    }
  });
});
