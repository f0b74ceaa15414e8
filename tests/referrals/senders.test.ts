import type { TestApp } from '../helpers/testApp';
import { OPERATOR_TOKEN, daysFromNow, pcReferral, postReferral, request, sha256Hex, startReferralApp, TOKEN } from './referralTestKit';

/**
 * Issue 15 item 4: every referral sender has its own token (REFERRAL_SENDERS holds its SHA-256), organisation and
 * callback hosts; a referral id is unique per authenticated sender, never per what the body says; a sender reads only
 * its own notifications; retrying one is an operator's (API_CLIENTS admin) job. REFERRALS_API_TOKEN still works as
 * the sender named `legacy`.
 */

const CONTOSO_TOKEN = 'contoso-sender-token-0123456789';
const FABRIKAM_TOKEN = 'fabrikam-sender-token-0123456789';
const CRM_USER_TOKEN = 'crm-user-token-0123456789abcdef';
const SENDERS = [
  `contoso:contoso-org:${sha256Hex(CONTOSO_TOKEN)}:localhost|*.contoso.example`,
  `fabrikam:fabrikam-org:${sha256Hex(FABRIKAM_TOKEN)}:`,
].join(';');

/** The kit's referral names Microsoft's organisation; a configured sender's organisation comes from its account. */
const OWN_ORG = { inviteContext: { invitedBy: { organizationName: 'Microsoft Japan' } } };

describe('referral senders', () => {
  let app: TestApp;
  const dealCount = () => app.db.prisma.deal.count();
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    ({ app } = await startReferralApp({
      REFERRAL_SENDERS: SENDERS,
      API_CLIENTS: `ops:admin:global:${sha256Hex(OPERATOR_TOKEN)};crm:user:global:${sha256Hex(CRM_USER_TOKEN)}`,
    }));
  });
  afterAll(() => app?.close());

  test('a second sender replaying the same referral id gets its own deal, never the first sender’s', async () => {
    const body = pcReferral({ sender: { type: 'partner', name: 'Contoso partner desk' }, inviteContext: { invitedBy: { organizationId: 'contoso-org' } } });
    const first = await postReferral(app, body, CONTOSO_TOKEN);
    expect(first.status).toBe(201);
    // Fabrikam copies the body, organisation id and all: the id is Fabrikam's own, so a new deal.
    const replay = await postReferral(app, { ...body, inviteContext: {} }, FABRIKAM_TOKEN);
    expect(replay.status).toBe(201);
    expect(replay.body.dealId).not.toBe(first.body.dealId);
    // The owner's repeat is idempotent.
    const again = await postReferral(app, body, CONTOSO_TOKEN);
    expect(again.status).toBe(200);
    expect(again.body.dealId).toBe(first.body.dealId);
    const rows = await app.db.prisma.deal.findMany({ where: { senderReferralId: body.id }, orderBy: { number: 'asc' } });
    expect(rows.map((r) => [r.senderAccount, r.senderOrgId])).toEqual([
      ['contoso', 'contoso-org'],
      ['fabrikam', 'fabrikam-org'],
    ]);
  });

  test('a sender cannot claim another organisation in the body', async () => {
    const before = await dealCount();
    const res = await postReferral(
      app,
      pcReferral({ sender: { type: 'partner', name: 'Fabrikam' }, inviteContext: { invitedBy: { organizationId: 'contoso-org' } } }),
      FABRIKAM_TOKEN,
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'inviteContext.invitedBy.organizationId', code: 'senderMismatch' })]);
    expect(res.body.errors[0].message.ja).toContain('組織');
    expect(await dealCount()).toBe(before);
  });

  test('the callback host must be in the sender’s list (subdomains with *.), else 400 and nothing stored', async () => {
    const before = await dealCount();
    const other = await postReferral(app, pcReferral({ ...OWN_ORG, sender: { type: 'microsoft', name: 'Sato', callbackUrl: 'https://evil.example/cb' } }), CONTOSO_TOKEN);
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([expect.objectContaining({ field: 'sender.callbackUrl', code: 'callbackHostNotAllowed' })]);
    const none = await postReferral(app, pcReferral({ ...OWN_ORG, sender: { type: 'microsoft', name: 'Sato', callbackUrl: 'https://fabrikam.example/cb' } }), FABRIKAM_TOKEN);
    expect(none.body.errors).toEqual([expect.objectContaining({ field: 'sender.callbackUrl', code: 'callbackHostNotAllowed' })]);
    expect(await dealCount()).toBe(before);
    const sub = await postReferral(app, pcReferral({ ...OWN_ORG, sender: { type: 'microsoft', name: 'Sato', callbackUrl: 'https://hooks.contoso.example/cb' } }), CONTOSO_TOKEN);
    expect(sub.status).toBe(201);
  });

  test('a wrong token is 401; the legacy REFERRALS_API_TOKEN still works', async () => {
    expect((await postReferral(app, pcReferral(), 'not-a-sender-token-0123456789')).status).toBe(401);
    expect((await postReferral(app, pcReferral(), OPERATOR_TOKEN)).status).toBe(401);
    const legacy = await postReferral(app, pcReferral(), TOKEN);
    expect(legacy.status).toBe(201);
    expect(await app.db.prisma.deal.findUniqueOrThrow({ where: { id: legacy.body.dealId } })).toMatchObject({ senderAccount: 'legacy', senderKey: 'microsoft' });
  });

  test('GET /api/notifications shows a sender only its own; an operator sees all and retries; others may not retry', async () => {
    const expired = (token: string) =>
      postReferral(app, pcReferral({ ...OWN_ORG, createdDateTime: daysFromNow(-15).toISOString() }), token).then((r) => r.body.dealId as string);
    const contosoDeal = await expired(CONTOSO_TOKEN);
    const fabrikamDeal = await expired(FABRIKAM_TOKEN);
    await app.app.sweeper.runOnce(new Date());
    await app.settle();

    const listed = async (token: string) => (await request(app, 'GET', '/api/notifications?limit=500', undefined, bearer(token))).body.items.map((n: any) => n.dealId);
    const contosoSees = await listed(CONTOSO_TOKEN);
    expect(contosoSees).toContain(contosoDeal);
    expect(contosoSees).not.toContain(fabrikamDeal);
    const fabrikamSees = await listed(FABRIKAM_TOKEN);
    expect(fabrikamSees).toEqual([fabrikamDeal]);
    expect(await listed(OPERATOR_TOKEN)).toEqual(expect.arrayContaining([contosoDeal, fabrikamDeal]));

    const note = await app.db.prisma.notification.findFirstOrThrow({ where: { dealId: contosoDeal } });
    await app.db.prisma.notification.update({ where: { id: note.id }, data: { status: 'failed' } });
    const retry = (token: string) => request(app, 'POST', `/api/notifications/${note.id}/retry`, undefined, bearer(token));
    const bySender = await retry(CONTOSO_TOKEN);
    expect(bySender.status).toBe(403);
    expect(bySender.body.messages.ja).toContain('オペレーター');
    expect((await retry(CRM_USER_TOKEN)).status).toBe(403);
    expect((await request(app, 'GET', '/api/notifications', undefined, bearer(CRM_USER_TOKEN))).status).toBe(403);
    expect((await retry(OPERATOR_TOKEN)).status).toBe(202);
  });
});
