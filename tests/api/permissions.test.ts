import type { TestApp } from '../helpers/testApp';
import { OSAKA, inDays, memberOf, referral, validCreateInput } from '../helpers/fixtures';
import { actorOfClient } from '../../src/http/apiAuth';
import { call, patchFresh, replace, startApiApp } from './apiKit';

/** R1–R4 for API clients: same permissions as people; an invisible deal is 404 (never 403), whatever is tried. */
describe('deals API permissions', () => {
  let app: TestApp;
  let started: Awaited<ReturnType<typeof startApiApp>>;

  beforeAll(async () => {
    started = await startApiApp();
    app = started.app;
  });
  afterAll(() => app?.close());

  test('a user-scope client cannot read or patch another location’s deal: 404, like a deal that does not exist', async () => {
    const osakaUser = started.actors.osakaUser;
    const created = await app.app.services.commands.create(
      validCreateInput(started.customer.id, osakaUser, { locationId: OSAKA, team: [memberOf(osakaUser)] }),
      osakaUser,
    );
    if (!created.ok) throw new Error(created.refusal.code);
    const id = created.value.id;
    const missing = await call(app, 'GET', '/api/deals/00000000-0000-4000-8000-000000000000', { as: 'tokyoUser' });
    const read = await call(app, 'GET', `/api/deals/${id}`, { as: 'tokyoUser' });
    const byNumber = await call(app, 'GET', `/api/deals/${created.value.number}`, { as: 'tokyoUser' });
    const patch = await call(app, 'PATCH', `/api/deals/${id}`, { as: 'tokyoUser', headers: { 'if-match': '"1"' }, body: [replace('/name', 'Hijacked')] });
    const review = await call(app, 'PATCH', `/api/deals/${id}/registration`, { as: 'crmTokyo', headers: { 'if-match': '"1"' }, body: { outcome: 'Approved' } });
    for (const res of [read, byNumber, patch, review]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(missing.body);
    }
    expect(missing.body.error.code).toBe('NOT_FOUND');
    // The Osaka admin client sees it, and the list of the Tokyo user does not show it.
    expect((await call(app, 'GET', `/api/deals/${id}`, { as: 'osaka' })).status).toBe(200);
    const listed = await call(app, 'GET', '/api/deals?$top=100', { as: 'tokyoUser' });
    expect(listed.body.value.map((d: any) => d.id)).not.toContain(id);
    expect((await app.db.prisma.deal.findUniqueOrThrow({ where: { id } })).name).toBe('Fabrikam migration assessment');
  });

  test('a user-scope client cannot see an active Tokyo deal of someone else’s team (R3); an admin client of Tokyo can', async () => {
    const other = started.actors.tokyoUser2;
    const created = await app.app.services.commands.create(validCreateInput(started.customer.id, other, { team: [memberOf(other)] }), other);
    if (!created.ok) throw new Error(created.refusal.code);
    expect((await call(app, 'GET', `/api/deals/${created.value.id}`, { as: 'tokyoUser' })).status).toBe(404);
    expect((await call(app, 'GET', `/api/deals/${created.value.id}`, { as: 'crmTokyo' })).status).toBe(200);
  });

  test('a user client accepts a referral, works it to Won; only an admin client may review the registration (R23)', async () => {
    const received = await app.app.services.commands.receive(referral());
    if (!received.ok) throw new Error(received.refusal.code);
    const id = received.value.deal.id;
    const accept = await patchFresh(
      app,
      id,
      [replace('/status', 'Active'), replace('/details/notes', 'Cost review requested.'), replace('/details/closingDateTime', inDays(90))],
      { as: 'tokyoUser' },
    );
    expect(accept.status).toBe(204);
    for (const stage of ['Secure customer LOE', 'Collect data', 'Prepare assessment report', 'Present to customer']) {
      expect((await patchFresh(app, id, [replace('/salesStage', stage)], { as: 'tokyoUser' })).status).toBe(204);
    }
    const won = await patchFresh(app, id, [replace('/status', 'Closed'), replace('/substatus', 'Won')], { as: 'tokyoUser' });
    expect(won.status).toBe(204);
    const client = actorOfClient(app.config.API_CLIENTS.find((c) => c.name === 'tokyo-user')!);
    const registered = await app.app.services.commands.execute(
      id,
      {
        type: 'register',
        input: {
          contractValue: 1_800_000,
          currency: 'JPY',
          contractSignedDate: inDays(0),
          contractStartDate: inDays(1),
          contractEndDate: inDays(365),
          deployedOnAzure: true,
          marketplaceTransaction: false,
        },
      },
      client,
    );
    if (!registered.ok) throw new Error(registered.refusal.code);

    const etag = (await call(app, 'GET', `/api/deals/${id}`, { as: 'tokyoUser' })).headers.get('etag')!;
    const notAdmin = await call(app, 'PATCH', `/api/deals/${id}/registration`, { as: 'tokyoUser', headers: { 'if-match': etag }, body: { outcome: 'Approved' } });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body.error.code).toBe('REQUIRES_ADMIN');
    const badOutcome = await call(app, 'PATCH', `/api/deals/${id}/registration`, { headers: { 'if-match': etag }, body: { outcome: 'Maybe' } });
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body.error.details[0].field).toBe('outcome');
    const approved = await call(app, 'PATCH', `/api/deals/${id}/registration`, {
      headers: { 'if-match': etag, prefer: 'return=representation' },
      body: { outcome: 'ActionRequired', note: 'Contract end date missing a signature.' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.registration).toMatchObject({ status: 'ActionRequired', reviewNote: 'Contract end date missing a signature.', reviewedBy: 'hq' });
    const twice = await call(app, 'PATCH', `/api/deals/${id}/registration`, { headers: { 'if-match': approved.headers.get('etag')! }, body: { outcome: 'Approved' } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('REGISTRATION_ALREADY_REVIEWED');
  });
});
