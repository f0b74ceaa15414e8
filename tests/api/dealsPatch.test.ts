import { ALICE, adaptiveCards, cardText, channelMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { memberOf, referral, validCreateInput, TOKYO } from '../helpers/fixtures';
import { actorOf } from '../../src/domain';
import { PeopleStore } from '../../src/store/people';
import type { PersonActor } from '../../src/domain';
import { call, patchFresh, replace, startApiApp } from './apiKit';

/** PATCH /api/deals/:id — JSON Patch under If-Match, through the same state machine as the cards (R27, R4). */
describe('PATCH /api/deals/:id', () => {
  let app: TestApp;
  let customerId: string;
  let actors: Awaited<ReturnType<typeof startApiApp>>['actors'];
  let channelId: string;

  beforeAll(async () => {
    const started = await startApiApp();
    app = started.app;
    customerId = started.customer.id;
    actors = started.actors;
    const people = new PeopleStore(app.db.prisma);
    const alice = await people.ensureUser({ aadObjectId: ALICE.aadObjectId, name: ALICE.name, email: 'alice@contoso.example' });
    await people.setRole(alice.id, 'user', { global: false, locations: [TOKYO] });
    // The bot learns the channel from a message; deal cards are then posted there.
    await app.post(channelMessage('help', { from: ALICE }));
    channelId = (await app.db.prisma.conversationRef.findFirstOrThrow({ where: { kind: 'channel' } })).id;
  });
  afterAll(() => app?.close());

  async function newDeal(overrides: Record<string, unknown> = {}, by: PersonActor = actors.tokyoUser) {
    const created = await app.app.services.commands.create(validCreateInput(customerId, by, { team: [memberOf(by)], ...overrides }), by);
    if (!created.ok) throw new Error(created.refusal.code);
    return created.value;
  }
  async function newReferral() {
    const received = await app.app.services.commands.receive(referral());
    if (!received.ok) throw new Error(received.refusal.code);
    return received.value.deal;
  }
  const stored = (id: string) => app.db.prisma.deal.findUniqueOrThrow({ where: { id }, include: { notes: true } });

  test('a CRM accepts an incoming referral, moves it a stage, and the posted Teams card follows each change', async () => {
    const deal = await newReferral();
    const activityId = await app.app.services.publisher.post(deal.id, channelId);
    const got = await call(app, 'GET', `/api/deals/${deal.id}`, { as: 'crmTokyo' });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: 'New', substatus: 'Received', direction: 'Incoming', eTag: got.headers.get('etag') });

    app.stub.reset();
    const accepted = await call(app, 'PATCH', `/api/deals/${deal.id}`, {
      as: 'crmTokyo',
      headers: { 'if-match': got.headers.get('etag')!, prefer: 'return=representation' },
      body: [
        replace('/status', 'Active'),
        replace('/substatus', 'Accepted'),
        { op: 'add', path: '/details/notes', value: 'Customer wants a cost review before March.' },
        replace('/externalReferenceId', 'D365-OPP-0042'),
      ],
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
      externalReferenceId: 'D365-OPP-0042',
      details: { notes: 'Customer wants a cost review before March.' },
      salesStage: { id: 'accepted', percent: 10 },
    });
    expect(accepted.headers.get('etag')).toBe(accepted.body.eTag);
    expect(accepted.headers.get('etag')).not.toBe(got.headers.get('etag'));
    const update = await app.stub.waitFor((c) => c.kind === 'update' && c.activityId === activityId);
    expect(cardText(adaptiveCards(update.activity)[0])).toContain('Accepted');

    app.stub.reset();
    const moved = await call(app, 'PATCH', `/api/deals/${deal.id}`, {
      as: 'crmTokyo',
      headers: { 'if-match': accepted.headers.get('etag')! },
      body: [replace('/salesStage', 'Discovery')],
    });
    expect(moved.status).toBe(204);
    expect(moved.body).toBe('');
    const second = await app.stub.waitFor((c) => c.kind === 'update' && c.activityId === activityId);
    expect(cardText(adaptiveCards(second.activity)[0])).toContain('Secure customer LOE');
    expect((await stored(deal.id)).acceptedByName).toBe('crm-tokyo');
  });

  test('accepting without the required note is refused per field, in English and Japanese; nothing changes', async () => {
    const deal = await newReferral();
    const res = await patchFresh(app, deal.id, [replace('/status', 'Active'), replace('/substatus', 'Accepted')], {
      headers: { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.5' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.message).toBe('入力内容に修正が必要な項目があります。');
    expect(res.body.error.messages.en).toBe('Some entries need fixing.');
    expect(res.body.error.details).toEqual([
      { field: '/details/notes', code: 'required', message: { en: 'This field is required.', ja: 'この項目は必須です。' } },
    ]);
    expect((await stored(deal.id)).status).toBe('New');
  });

  test('two clients PATCH with the same ETag at once: one succeeds, the other gets 412 and changes nothing', async () => {
    const deal = await newDeal();
    const etag = (await call(app, 'GET', `/api/deals/${deal.id}`)).headers.get('etag')!;
    const [a, b] = await Promise.all([
      call(app, 'PATCH', `/api/deals/${deal.id}`, { as: 'hq', headers: { 'if-match': etag }, body: [replace('/name', 'Name from HQ')] }),
      call(app, 'PATCH', `/api/deals/${deal.id}`, { as: 'crmTokyo', headers: { 'if-match': etag }, body: [replace('/name', 'Name from Tokyo CRM')] }),
    ]);
    expect([a.status, b.status].sort()).toEqual([204, 412]);
    const loser = a.status === 412 ? a : b;
    expect(loser.body.error.code).toBe('STALE_VERSION');
    const row = await stored(deal.id);
    expect(row.version).toBe(2);
    expect(row.name).toBe(a.status === 204 ? 'Name from HQ' : 'Name from Tokyo CRM');
  });

  test('If-Match is required (428), a stale one is 412, and neither changes anything', async () => {
    const deal = await newDeal();
    const missing = await call(app, 'PATCH', `/api/deals/${deal.id}`, { body: [replace('/name', 'No precondition')] });
    expect(missing.status).toBe(428);
    expect(missing.body.error.code).toBe('PRECONDITION_REQUIRED');
    const stale = await call(app, 'PATCH', `/api/deals/${deal.id}`, { headers: { 'if-match': '"7"' }, body: [replace('/name', 'Stale')] });
    expect(stale.status).toBe(412);
    const garbage = await call(app, 'PATCH', `/api/deals/${deal.id}`, { headers: { 'if-match': 'yesterday' }, body: [replace('/name', 'Garbage')] });
    expect(garbage.status).toBe(412);
    const row = await stored(deal.id);
    expect(row).toMatchObject({ version: 1, name: 'Fabrikam migration assessment' });
  });

  test.each([
    ['bad JSON', { raw: '[{"op": "replace", "path": "/name", ' }, 400, 'BAD_JSON'],
    ['a body that is not a patch document', { body: { name: 'x' } }, 400, 'BAD_PATCH'],
    ['an empty patch', { body: [] }, 400, 'BAD_PATCH'],
    ['a remove operation', { body: [{ op: 'remove', path: '/campaignId' }] }, 422, 'UNSUPPORTED_OPERATION'],
    ['an unknown path', { body: [replace('/details/colour', 'blue')] }, 422, 'UNKNOWN_FIELD'],
    ['the location (never editable, R8)', { body: [replace('/location', 'contoso-jp-osaka')] }, 422, 'IMMUTABLE_FIELD'],
    ['the assessment type (never editable, R10)', { body: [replace('/details/requirements/assessmentType', 'Azure Express')] }, 422, 'IMMUTABLE_FIELD'],
    ['a value of the wrong type', { body: [replace('/details/dealValue', { amount: 5 })] }, 422, 'INVALID_INPUT'],
    ['a negative value', { body: [replace('/details/dealValue', -5)] }, 422, 'INVALID_INPUT'],
    ['a form body', { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a body over 256 KB', { body: [replace('/details/notes', 'x'.repeat(300 * 1024))] }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s is refused clearly and nothing changes', async (_what, request, status, code) => {
    const deal = await newDeal();
    const res = await call(app, 'PATCH', `/api/deals/${deal.id}`, {
      ...request,
      headers: { 'if-match': '"1"', ...((request as { headers?: Record<string, string> }).headers ?? {}) },
    } as never);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.messages.ja.length).toBeGreaterThan(0);
    const row = await stored(deal.id);
    expect(row).toMatchObject({ version: 1, name: 'Fabrikam migration assessment', locationId: TOKYO, assessmentType: 'Data and Infrastructure Migration' });
    expect(row.notes).toHaveLength(1);
  });

  test('a PATCH of several operations is one unit: a refused stage move undoes the rename before it', async () => {
    const deal = await newDeal();
    const res = await patchFresh(app, deal.id, [replace('/name', 'Renamed'), replace('/details/notes', 'A note'), replace('/salesStage', 'Present to customer')]);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'STAGE_OUT_OF_ORDER', target: '/salesStage' });
    expect(res.body.error.message).toBe('Stages are completed in order: complete "Secure customer LOE" before "Present to customer".');
    const row = await stored(deal.id);
    expect(row).toMatchObject({ version: 1, name: 'Fabrikam migration assessment', stage: 'accepted' });
    expect(row.notes).toHaveLength(1);
    expect(await app.db.prisma.auditEvent.count({ where: { dealId: deal.id, type: 'DealEdited' } })).toBe(0);
  });

  test('details, notes, ids and team change together; notes are appended, never overwritten', async () => {
    const deal = await newDeal();
    const res = await patchFresh(
      app,
      deal.id,
      [
        replace('/name', 'Fabrikam migration — phase 2'),
        replace('/details/dealValue', 2_500_000),
        replace('/details/closingDateTime', '2031-03-31T00:00:00Z'),
        { op: 'add', path: '/details/notes', value: 'Phase 2 agreed.' },
        replace('/campaignId', 'FY31-MIGRATE'),
        { op: 'add', path: '/team/-', value: { firstName: 'Ken', lastName: 'Tokyo', email: 'tokyouser2@contoso.example', phoneNumber: '+81 3 5555 0000' } },
      ],
      { headers: { prefer: 'return=representation' } },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Fabrikam migration — phase 2',
      campaignId: 'FY31-MIGRATE',
      details: { dealValue: 2_500_000, closingDateTime: '2031-03-31', notes: 'Phase 2 agreed.' },
      team: [{ name: 'Yuki Tokyo' }, { name: 'Ken Tokyo', email: 'tokyouser2@contoso.example' }],
    });
    expect((await stored(deal.id)).notes.map((n) => n.text)).toEqual(['Customer wants to move 40 VMs to Azure.', 'Phase 2 agreed.']);
  });

  test('repeating the current values changes nothing and is no error', async () => {
    const deal = await newDeal();
    const res = await patchFresh(app, deal.id, [replace('/name', deal.name), replace('/details/currency', 'jpy')]);
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toBe('"1"');
    expect((await stored(deal.id)).version).toBe(1);
  });

  test('Closed/Lost needs a reason; with one the deal closes, and a closed deal refuses further moves (409)', async () => {
    const deal = await newDeal({ dealType: 'coSell', solutions: [{ id: 'azure-migration', name: 'Azure Migration' }], assessmentType: undefined, assessmentLocation: undefined });
    const noReason = await patchFresh(app, deal.id, [replace('/status', 'Closed'), replace('/substatus', 'Lost')]);
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.details[0].field).toBe('/statusReason');
    const lost = await patchFresh(app, deal.id, [replace('/status', 'Closed'), replace('/substatus', 'Lost'), replace('/statusReason', 'customerChoseAnotherVendor')], {
      headers: { prefer: 'return=representation' },
    });
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({ status: 'Closed', substatus: 'Lost', statusReason: 'customerChoseAnotherVendor', salesStage: { id: 'lost' } });
    const again = await patchFresh(app, deal.id, [replace('/name', 'Too late')], { headers: { 'accept-language': 'ja' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DEAL_CLOSED');
    expect(again.body.error.message).toContain('終了');
  });

  test("the customer's contact, its consent and the specialist's note change through Edit (issue 14 §3)", async () => {
    const deal = await newDeal();
    const kenji = { firstName: 'Kenji', lastName: 'Fabrikam', email: 'kenji@fabrikam.example', phoneNumber: '０３－９９９９－００００' };
    const res = await patchFresh(
      app,
      deal.id,
      [replace('/customerProfile/team', [kenji]), replace('/consent/consentToShareInfoWithOthers', true), replace('/specialistNote', 'Prefers meetings in Japanese.')],
      { headers: { prefer: 'return=representation' } },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      customerProfile: { team: [{ name: 'Kenji Fabrikam', email: 'kenji@fabrikam.example', phoneNumber: '03-9999-0000' }] },
      consent: { consentToShareInfoWithOthers: true },
      specialistNote: 'Prefers meetings in Japanese.',
    });
    const history = await app.db.prisma.auditEvent.findFirstOrThrow({ where: { dealId: deal.id, type: 'DealEdited' } });
    expect(Object.keys((history.data as { changes: object }).changes).sort()).toEqual(['contactConsent', 'contactEmail', 'contactName', 'contactPhone', 'specialistNote']);

    // Cleared: no contact, no consent, no note.
    const cleared = await patchFresh(
      app,
      deal.id,
      [replace('/customerProfile/team', []), replace('/consent/consentToShareInfoWithOthers', false), replace('/specialistNote', null)],
      { headers: { prefer: 'return=representation' } },
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ customerProfile: { team: [] }, consent: { consentToShareInfoWithOthers: false }, specialistNote: null });
    expect(await stored(deal.id)).toMatchObject({ contactName: null, contactPhone: null, contactEmail: null, contactConsent: false, specialistNote: null });
  });

  test('a contact without consent, a bad email, or clearing a contact Microsoft help needs: per-field errors, nothing changes', async () => {
    const deal = await newDeal();
    const person = { name: 'Kenji Fabrikam', email: 'kenji@fabrikam.example', phoneNumber: '+81 3 9999 0000' };
    const noConsent = await patchFresh(app, deal.id, [replace('/customerProfile/team', [person])], { headers: { 'accept-language': 'ja-JP' } });
    expect(noConsent.status).toBe(422);
    expect(noConsent.body.error.code).toBe('INVALID_INPUT');
    expect(noConsent.body.error.details).toEqual([
      {
        field: '/consent/consentToShareInfoWithOthers',
        code: 'contactNeedsConsent',
        message: { en: 'Confirm that the customer consented before sharing contact details.', ja: '連絡先を共有する前に、顧客の同意を得たことを確認してください。' },
      },
    ]);
    const badEmail = await patchFresh(app, deal.id, [replace('/customerProfile/team', [{ ...person, email: 'kenji@' }]), replace('/consent/consentToShareInfoWithOthers', true)]);
    expect(badEmail.status).toBe(422);
    expect(badEmail.body.error.details).toEqual([expect.objectContaining({ field: '/customerProfile/team/0/email', code: 'invalidEmail' })]);
    const two = await patchFresh(app, deal.id, [replace('/customerProfile/team', [person, person])]);
    expect(two.status).toBe(422);
    expect(two.body.error.target).toBe('/customerProfile/team');
    const name = await patchFresh(app, deal.id, [replace('/customerProfile/name', 'Someone else')]);
    expect([name.status, name.body.error.code]).toEqual([422, 'IMMUTABLE_FIELD']);
    expect(await stored(deal.id)).toMatchObject({ version: 1, contactName: null, contactConsent: false });

    // Microsoft seller help asked in the wizard: the contact stays complete.
    const helped = await newDeal({ contact: { name: person.name, phone: person.phoneNumber, email: person.email, consent: true, askMicrosoftHelp: true } });
    const clear = await patchFresh(app, helped.id, [replace('/customerProfile/team', [])]);
    expect(clear.status).toBe(422);
    expect(clear.body.error.details.map((d: { field: string; code: string }) => [d.field, d.code])).toEqual([
      ['/customerProfile/team/0/name', 'contactRequiredForHelp'],
      ['/customerProfile/team/0/phoneNumber', 'contactRequiredForHelp'],
      ['/customerProfile/team/0/email', 'contactRequiredForHelp'],
    ]);
    expect(await stored(helped.id)).toMatchObject({ version: 1, contactName: person.name, contactEmail: person.email });
  });

  test('an unsupported status move (back to New) is a clear 409', async () => {
    const deal = await newDeal();
    const res = await patchFresh(app, deal.id, [replace('/status', 'New'), replace('/substatus', 'Pending')]);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('TRANSITION_NOT_SUPPORTED');
    expect(res.body.error.message).toBe('A deal cannot be moved to New / Pending through the API.');
  });
});
