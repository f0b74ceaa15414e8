import type { TestApp } from '../helpers/testApp';
import { memberOf, validCreateInput } from '../helpers/fixtures';
import type { PersonActor } from '../../src/domain';
import { call, patchFresh, replace, startApiApp, type ClientKey } from './apiKit';

/**
 * R22 through the API: /salesStage takes a standard name (either language, any spacing), the client's own CRM
 * stage name (case-insensitive, configured per client), or a percentage — mapped onto the deal type's stages, with
 * the state machine still deciding (R20: SA stages in order, nothing filled in silently).
 */
describe('PATCH /salesStage: stage mapping (R22)', () => {
  let app: TestApp;
  let customerId: string;
  let owner: PersonActor;

  beforeAll(async () => {
    const started = await startApiApp();
    app = started.app;
    customerId = started.customer.id;
    owner = started.actors.tokyoUser;
  });
  afterAll(() => app?.close());

  const coSell = { dealType: 'coSell', solutions: [{ id: 'azure-migration', name: 'Azure Migration' }], assessmentType: undefined, assessmentLocation: undefined };

  /** A deal of the type, moved (through the API) to the given stages first. */
  async function dealAt(type: 'sa' | 'coSell', before: (string | number)[] = [], as: ClientKey = 'hq') {
    const created = await app.app.services.commands.create(validCreateInput(customerId, owner, { team: [memberOf(owner)], ...(type === 'coSell' ? coSell : {}) }), owner);
    if (!created.ok) throw new Error(created.refusal.code);
    for (const stage of before) {
      const res = await patchFresh(app, created.value.id, [replace('/salesStage', stage)], { as });
      if (res.status !== 204) throw new Error(`setup: ${stage} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    return created.value.id;
  }

  // Rows answer 200 on success because they ask for the representation (Prefer: return=representation).
  type Row = [type: 'sa' | 'coSell', before: (string | number)[], value: string | number, client: ClientKey, status: number, expected: string];

  // expected: the stage id after success, or the refusal code.
  const table: Row[] = [
    ['sa', [], 'Secure customer LOE', 'hq', 200, 'secureCustomerLoe'],
    ['sa', [], 'secure_customer_loe', 'hq', 200, 'secureCustomerLoe'],
    ['sa', [], '顧客の LOE を確保', 'hq', 200, 'secureCustomerLoe'],
    ['sa', [], 20, 'hq', 200, 'secureCustomerLoe'],
    ['sa', [], '20 %', 'hq', 200, 'secureCustomerLoe'],
    ['sa', [], 'DISCOVERY', 'crmTokyo', 200, 'secureCustomerLoe'],
    ['sa', ['Discovery'], 'data gathering', 'crmTokyo', 200, 'collectData'],
    ['sa', [20, 40, 60], 'Proposal', 'crmTokyo', 200, 'presentToCustomer'],
    ['sa', [20, 40, 60, 80], 'Closed Won', 'crmTokyo', 200, 'won'],
    // R20: the mandatory order holds, by any name.
    ['sa', [20], 'Present to customer', 'hq', 409, 'STAGE_OUT_OF_ORDER'],
    ['sa', [20], 80, 'hq', 409, 'STAGE_OUT_OF_ORDER'],
    ['sa', [], 'Collect data', 'hq', 409, 'STAGE_OUT_OF_ORDER'],
    ['sa', [20], 'Secure customer LOE', 'hq', 200, 'secureCustomerLoe'],
    ['sa', [20, 40], 20, 'hq', 409, 'STAGE_ALREADY_COMPLETE'],
    ['sa', [20], 'Won', 'hq', 409, 'STAGES_INCOMPLETE'],
    // A CRM name is the client's own: another client does not know it.
    ['sa', [], 'Discovery', 'hq', 422, 'UNKNOWN_STAGE'],
    ['sa', [], 'Qualified', 'hq', 422, 'UNKNOWN_STAGE'],
    ['sa', [], 55, 'hq', 422, 'UNKNOWN_STAGE'],
    ['sa', [], 'Banana', 'crmTokyo', 422, 'UNKNOWN_STAGE'],
    ['coSell', [], 'Proposed', 'hq', 200, 'proposed'],
    ['coSell', [], 60, 'hq', 200, 'proposed'],
    ['coSell', [], 'Proposal', 'crmTokyo', 200, 'proposed'],
    ['coSell', [], 'qualified', 'hq', 200, 'qualified'],
    ['coSell', [], '見込みあり', 'hq', 200, 'qualified'],
    ['coSell', [], 'Won', 'hq', 200, 'won'],
    ['coSell', [], 100, 'hq', 200, 'won'],
    ['coSell', ['Negotiated'], 'Qualified', 'hq', 409, 'STAGE_NOT_FORWARD'],
    ['coSell', [], 'Collect data', 'hq', 422, 'UNKNOWN_STAGE'],
    ['coSell', [], 'Closed Lost', 'crmTokyo', 422, 'INVALID_INPUT'],
  ];

  test.each(table)('%s deal after %j: %j by %s → %i %s', async (type, before, value, client, status, expected) => {
    const id = await dealAt(type, before, client);
    const beforeRow = await app.db.prisma.deal.findUniqueOrThrow({ where: { id } });
    const res = await patchFresh(app, id, [replace('/salesStage', value)], { as: client, headers: { prefer: 'return=representation' } });
    expect(res.status).toBe(status);
    const row = await app.db.prisma.deal.findUniqueOrThrow({ where: { id } });
    if (status < 300) {
      expect(res.body.salesStage.id).toBe(expected);
      expect(row.stage).toBe(expected);
    } else {
      expect(res.body.error.code).toBe(expected);
      expect(res.body.error.messages.ja.length).toBeGreaterThan(0);
      expect(row).toMatchObject({ version: beforeRow.version, stage: beforeRow.stage });
    }
  });

  test('an unknown stage lists the values this deal accepts, including the client’s CRM names', async () => {
    const id = await dealAt('sa');
    const res = await patchFresh(app, id, [replace('/salesStage', 'Negotiation')], { as: 'crmTokyo' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'UNKNOWN_STAGE', target: '/salesStage' });
    expect(res.body.error.accepted).toEqual(expect.arrayContaining(['Secure customer LOE', 'Present to customer', 'Won', 'Discovery', 'Proposal', '20%', '80%']));
    expect(res.body.error.accepted).not.toContain('Qualified');
    expect(res.body.error.message).toContain('"Negotiation" is not a known stage. Accepted: ');
    expect(res.body.error.messages.ja).toContain('「Negotiation」は不明な販売ステージです。');
  });

  test('a CRM stage "Closed Lost" with a reason closes the deal as Lost', async () => {
    const id = await dealAt('coSell', ['Qualified'], 'crmTokyo');
    const res = await patchFresh(app, id, [replace('/salesStage', 'closed lost'), replace('/statusReason', 'budgetNotAdequate')], {
      as: 'crmTokyo',
      headers: { prefer: 'return=representation' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'Closed', substatus: 'Lost', statusReason: 'budgetNotAdequate' });
  });

  test('GET shows the completed SA stages in order, with who and when', async () => {
    const id = await dealAt('sa', ['Secure customer LOE', 40]);
    const res = await call(app, 'GET', `/api/deals/${id}`);
    expect(res.body.salesStage).toMatchObject({ id: 'collectData', name: 'Collect data', percent: 40 });
    expect(res.body.salesStage.completed.map((c: any) => [c.id, c.completedBy])).toEqual([
      ['secureCustomerLoe', 'hq'],
      ['collectData', 'hq'],
    ]);
  });
});
