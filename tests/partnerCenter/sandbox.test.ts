import { startPartnerCenterSandbox, type Sandbox } from '../../scripts/partnerCenterSandbox';

/** The sandbox's own documented behaviour, over plain HTTP (what a person with curl sees). */
let sb: Sandbox;
beforeEach(async () => {
  sb = await startPartnerCenterSandbox();
});
afterEach(() => sb.close());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${sb.url}${path}`, { ...init, headers: { Authorization: `Bearer ${sb.token}`, 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) } });
const admin = (path: string, method: string, body?: unknown) =>
  fetch(`${sb.origin}/sandbox${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

it('filters with and/parentheses, orders, limits with $top across pages, and refuses what it does not support', async () => {
  const a = sb.createAsMicrosoft({ name: 'A' });
  const b = sb.createAsMicrosoft({ name: 'B', status: 'Active', substatus: 'Accepted' });
  sb.createAsMicrosoft({ name: 'C' });
  const names = async (q: string) => ((await (await api(q)).json()) as { value: { name: string }[] }).value.map((r) => r.name);

  expect(await names(`?$filter=${encodeURIComponent("(status eq 'New' and substatus eq 'Pending')")}&$orderby=createdDateTime desc`)).toEqual(['C', 'A']);
  expect(await names(`?$filter=${encodeURIComponent(`engagementId eq '${b.engagementId}'`)}`)).toEqual(['B']);
  expect(await names(`?$filter=${encodeURIComponent(`updatedDateTime ge ${a.updatedDateTime} and updatedDateTime lt ${b.updatedDateTime}`)}`)).toEqual(['A']);

  const small = await startPartnerCenterSandbox({ pageSize: 2 });
  try {
    for (let i = 0; i < 5; i++) small.createAsMicrosoft({ name: `R${i}` });
    const first = (await (await fetch(`${small.url}?$top=3`, { headers: { Authorization: `Bearer ${small.token}` } })).json()) as { value: unknown[]; '@odata.nextLink': string };
    expect(first.value).toHaveLength(2);
    const second = (await (await fetch(first['@odata.nextLink'], { headers: { Authorization: `Bearer ${small.token}` } })).json()) as { value: unknown[]; '@odata.nextLink'?: string };
    expect(second.value).toHaveLength(1);
    expect(second['@odata.nextLink']).toBeUndefined();
  } finally {
    await small.close();
  }

  for (const bad of ["status eq 'New' or status eq 'Active'", "customerProfile/name eq 'x'", 'status eq', "updatedDateTime gt 'yesterday'"]) {
    const res = await api(`?$filter=${encodeURIComponent(bad)}`);
    expect([bad, res.status]).toEqual([bad, 400]);
  }
  expect((await api('?$orderby=name')).status).toBe(400);
});

it('PATCH: only replace and add, not on read-only fields; If-Match optional as documented; 204 without Prefer', async () => {
  const r = sb.createAsMicrosoft();
  const patch = (ops: unknown, headers: Record<string, string> = {}) => api(`/${r.id}`, { method: 'PATCH', body: JSON.stringify(ops), headers });
  expect((await patch([{ op: 'remove', path: '/details/notes' }])).status).toBe(400);
  expect((await patch([{ op: 'replace', path: '/id', value: 'x' }])).status).toBe(400);
  expect((await patch([{ op: 'replace', path: '/eTag', value: '"x"' }])).status).toBe(400);
  expect((await patch({ op: 'replace', path: '/name', value: 'x' })).status).toBe(400);
  expect((await patch([{ op: 'replace', path: '/substatus', value: 'Won' }])).status).toBe(400);

  const noIfMatch = await patch([{ op: 'replace', path: '/details/dealValue', value: 70000 }]);
  expect(noIfMatch.status).toBe(204);
  expect(noIfMatch.headers.get('etag')).toBe(sb.referrals.get(r.id)!.eTag);
  expect(sb.referrals.get(r.id)!.details?.dealValue).toBe(70000);

  const closed = await patch(
    [
      { op: 'replace', path: '/status', value: 'Closed' },
      { op: 'replace', path: '/substatus', value: 'Declined' },
      { op: 'replace', path: '/statusReason', value: 'Budget' },
    ],
    { 'If-Match': sb.referrals.get(r.id)!.eTag!, Prefer: 'return=representation' },
  );
  expect(closed.status).toBe(200);
  expect(await closed.json()).toMatchObject({ status: 'Closed', substatus: 'Declined', statusReason: 'Budget', closedDateTime: expect.any(String) });
});

it('acts as Microsoft through the admin API: create, change, fail on demand', async () => {
  const created = (await (await admin('/referrals', 'POST', { name: 'From curl', details: { dealValue: 1234 } })).json()) as { id: string; eTag: string; details: { currency: string } };
  expect(created.details.currency).toBe('USD');
  const changed = (await (await admin(`/referrals/${created.id}`, 'PATCH', { details: { dealValue: 80000 } })).json()) as { eTag: string; details: { dealValue: number; currency: string } };
  expect(changed.details).toMatchObject({ dealValue: 80000, currency: 'USD' });
  expect(changed.eTag).not.toBe(created.eTag);
  expect((await admin('/referrals/nope', 'PATCH', {})).status).toBe(404);

  expect((await admin('/fail', 'POST', { count: 2, status: 429, retryAfterSec: 3 })).status).toBe(204);
  const throttled = await api(`/${created.id}`);
  expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '3']);
  expect((await api(`/${created.id}`)).status).toBe(429);
  expect((await api(`/${created.id}`)).status).toBe(200);
  expect((await admin('/fail', 'POST', { status: 418 })).status).toBe(400);
  expect(((await (await admin('/requests', 'GET')).json()) as unknown[]).length).toBe(3);
});
