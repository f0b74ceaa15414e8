import { startPartnerCenterSandbox, type Sandbox } from '../../scripts/partnerCenterSandbox';
import { createPartnerCenterClient, PartnerCenterError, type PartnerCenterClient } from '../../src/services/partnerCenter/client';
import type { PcReferral } from '../../src/services/partnerCenter/referral';

let sb: Sandbox;
let client: PartnerCenterClient;

beforeEach(async () => {
  sb = await startPartnerCenterSandbox();
  client = createPartnerCenterClient({ baseUrl: sb.url, token: async () => sb.token, timeoutMs: 5_000 });
});
afterEach(() => sb.close());

async function all(pages: AsyncGenerator<PcReferral[]>): Promise<PcReferral[][]> {
  const out: PcReferral[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

async function failure(p: Promise<unknown>): Promise<PartnerCenterError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PartnerCenterError);
    return err as PartnerCenterError;
  }
  throw new Error('expected a PartnerCenterError');
}

const apiRequests = () => sb.requests.map((r) => `${r.method} ${decodeURIComponent(r.path)}`);

describe('list', () => {
  it('follows @odata.nextLink through pages of 100, oldest change first', async () => {
    const made = Array.from({ length: 230 }, (_, i) => sb.createAsMicrosoft({ name: `Referral ${i}` }));
    const pages = await all(client.list({}));
    expect(pages.map((p) => p.length)).toEqual([100, 100, 30]);
    expect(pages.flat().map((r) => r.id)).toEqual(made.map((r) => r.id));
    expect(sb.requests).toHaveLength(3);
    expect(apiRequests()[0]).toBe('GET /v1.0/engagements/referrals?$orderby=updatedDateTime');
    expect(sb.requests.every((r) => r.headers.authorization === `Bearer ${sb.token}`)).toBe(true);
  });

  it('asks only for what changed since a time, and by status', async () => {
    const a = sb.createAsMicrosoft({ name: 'A' });
    const b = sb.createAsMicrosoft({ name: 'B' });
    const c = sb.createAsMicrosoft({ name: 'C', status: 'Closed', substatus: 'Expired' });
    const since = new Date(Date.parse(c.updatedDateTime));
    const changedA = sb.updateAsMicrosoft(a.id, { details: { dealValue: 75000 } });

    const changed = (await all(client.list({ updatedSince: since }))).flat();
    expect(changed.map((r) => [r.id, r.details?.dealValue])).toEqual([[a.id, 75000]]);
    expect(changed[0]!.eTag).toBe(changedA.eTag);
    expect(apiRequests()[0]).toBe(`GET /v1.0/engagements/referrals?$filter=updatedDateTime gt ${since.toISOString()}&$orderby=updatedDateTime`);

    const open = (await all(client.list({ status: 'New' }))).flat();
    expect(open.map((r) => r.name).sort()).toEqual([b.name, a.name].sort());
  });

  it('yields nothing when nothing matches', async () => {
    expect(await all(client.list({ status: 'Active' }))).toEqual([]);
  });

  it('refuses to send the token to a nextLink on another host', async () => {
    const fake = createPartnerCenterClient({
      baseUrl: 'https://api.partner.microsoft.com/v1.0/engagements/referrals',
      token: async () => 'secret-token',
      fetch: async () => Response.json({ value: [], '@odata.nextLink': 'https://attacker.example/v1.0/engagements/referrals?$skiptoken=x' }),
    });
    const err = await failure(all(fake.list({})));
    expect(err.kind).toBe('refused');
  });
});

describe('get, create and update', () => {
  it('gets a referral with its eTag, and tells a missing one apart', async () => {
    const r = sb.createAsMicrosoft();
    const got = await client.get(r.id);
    expect(got).toMatchObject({ id: r.id, status: 'New', substatus: 'Pending', eTag: r.eTag });
    const missing = await failure(client.get('no-such-referral'));
    expect(missing).toMatchObject({ kind: 'notFound', status: 404 });
  });

  it('creates a referral (POST) and gets its id and eTag', async () => {
    const created = await client.create({
      name: 'Contoso - Security assessment',
      customerProfile: { name: 'Contoso KK', address: { country: 'JP', city: 'Tokyo' }, team: [] },
      details: { dealValue: 3000000, currency: 'JPY', closingDateTime: '2030-03-31T00:00:00Z', notes: 'From Teams' },
      team: [{ firstName: 'Taro', lastName: 'Yamada', email: 'taro@partner.example', phoneNumber: '+81 3 0000 0000' }],
      target: [{ type: 'BusinessProfileLocation', id: 'loc-1' }],
    });
    expect(created).toMatchObject({ name: 'Contoso - Security assessment', status: 'Active', substatus: 'Accepted', direction: 'Outgoing' });
    expect(created.id).toBeTruthy();
    expect(created.eTag).toBeTruthy();
    expect(sb.referrals.get(created.id)?.details?.dealValue).toBe(3000000);
  });

  it('updates with a JSON Patch under If-Match and returns the new eTag', async () => {
    const r = sb.createAsMicrosoft();
    const updated = await client.update(
      r.id,
      { status: 'Active', substatus: 'Accepted', details: { dealValue: 64000, notes: 'Accepted in Teams' }, teamAdd: [{ firstName: 'Hanako', lastName: 'Sato', email: 'hanako@partner.example' }] },
      r.eTag!,
    );
    expect(updated).toMatchObject({ status: 'Active', substatus: 'Accepted', details: { dealValue: 64000, notes: 'Accepted in Teams' } });
    expect(updated.team?.map((m) => m.email)).toEqual(['hanako@partner.example']);
    expect(updated.eTag).not.toBe(r.eTag);

    const patch = sb.requests.find((q) => q.method === 'PATCH')!;
    expect(patch.headers['if-match']).toBe(r.eTag);
    expect(patch.headers.prefer).toBe('return=representation');
    expect(patch.body).toEqual([
      { op: 'replace', path: '/status', value: 'Active' },
      { op: 'replace', path: '/substatus', value: 'Accepted' },
      { op: 'replace', path: '/details/dealValue', value: 64000 },
      { op: 'replace', path: '/details/notes', value: 'Accepted in Teams' },
      { op: 'add', path: '/team/-', value: { firstName: 'Hanako', lastName: 'Sato', email: 'hanako@partner.example' } },
    ]);
  });

  it('reads the referral back when Partner Center answers 204 (no Prefer honoured)', async () => {
    const r = sb.createAsMicrosoft();
    const withoutPrefer = createPartnerCenterClient({
      baseUrl: sb.url,
      token: async () => sb.token,
      fetch: (input, init) => {
        const headers = { ...(init?.headers as Record<string, string>) };
        delete headers.Prefer;
        return fetch(input, { ...init, headers });
      },
    });
    const updated = await withoutPrefer.update(r.id, { name: 'Renamed' }, r.eTag!);
    expect(updated.name).toBe('Renamed');
    expect(updated.eTag).toBe(sb.referrals.get(r.id)!.eTag);
    expect(apiRequests().slice(-2)).toEqual([`PATCH /v1.0/engagements/referrals/${r.id}`, `GET /v1.0/engagements/referrals/${r.id}`]);
  });

  it('is told "stale" (412) when Partner Center changed the referral since its eTag, and nothing is applied', async () => {
    const r = sb.createAsMicrosoft();
    sb.updateAsMicrosoft(r.id, { details: { dealValue: 99000 } });
    const err = await failure(client.update(r.id, { details: { dealValue: 1 } }, r.eTag!));
    expect(err).toMatchObject({ kind: 'stale', status: 412 });
    expect(sb.referrals.get(r.id)?.details?.dealValue).toBe(99000);
  });

  it('is refused a status change Partner Center does not allow, with a short message', async () => {
    const r = sb.createAsMicrosoft({ status: 'Closed', substatus: 'Declined' });
    const err = await failure(client.update(r.id, { status: 'Active', substatus: 'Accepted' }, r.eTag!));
    expect(err).toMatchObject({ kind: 'rejected', status: 400 });
    expect(err.message).toMatch(/status cannot change from Closed to Active/);
  });

  it('refuses a patch that is not one before sending anything', async () => {
    const r = sb.createAsMicrosoft();
    const err = await failure(client.update(r.id, { status: 'Active', substatus: 'Won' }, r.eTag!));
    expect(err.kind).toBe('refused');
    expect(sb.requests).toHaveLength(0);
  });
});

describe('getByUri', () => {
  it('gets the referral a webhook names', async () => {
    const r = sb.createAsMicrosoft();
    await expect(client.getByUri(`${sb.url}/${r.id}`)).resolves.toMatchObject({ id: r.id });
  });

  it('refuses a URI that is not a referral under the base URL, without sending anything', async () => {
    const r = sb.createAsMicrosoft();
    const other = new URL(sb.url);
    other.port = String(Number(other.port) + 1);
    for (const uri of [
      `${other.href}/${r.id}`,
      `http://attacker.example/v1.0/engagements/referrals/${r.id}`,
      `${sb.origin}/v1.0/engagements/other/${r.id}`,
      `${sb.url}/${r.id}/../../secrets`,
      `${sb.url}/${r.id}/registrations`,
      `${sb.url}?$filter=status eq 'New'`,
      `${sb.url.replace('http://', 'http://user:pw@')}/${r.id}`,
      'not a uri',
    ]) {
      expect((await failure(client.getByUri(uri))).kind).toBe('refused');
    }
    expect(sb.requests).toHaveLength(0);
  });
});

describe('when Partner Center is unwell', () => {
  it('429 is "throttled" with Retry-After in ms; the next call goes through', async () => {
    const r = sb.createAsMicrosoft();
    sb.failNext(1, 429, 7);
    const err = await failure(client.get(r.id));
    expect(err).toMatchObject({ kind: 'throttled', status: 429, retryAfterMs: 7000, retryable: true });
    await expect(client.get(r.id)).resolves.toMatchObject({ id: r.id });
  });

  it('500 is "unavailable"', async () => {
    sb.failNext(2, 500);
    expect(await failure(client.get('x'))).toMatchObject({ kind: 'unavailable', status: 500, retryable: true });
    expect(await failure(all(client.list({})))).toMatchObject({ kind: 'unavailable', status: 500 });
  });

  it('a hung request times out as "unavailable"', async () => {
    const r = sb.createAsMicrosoft();
    const impatient = createPartnerCenterClient({ baseUrl: sb.url, token: async () => sb.token, timeoutMs: 300 });
    sb.hang(30_000);
    const err = await failure(impatient.get(r.id));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/no answer within 300 ms/);
  });

  it('a wrong token is "rejected" (401)', async () => {
    const wrong = createPartnerCenterClient({ baseUrl: sb.url, token: async () => 'not-the-token' });
    expect(await failure(wrong.get('x'))).toMatchObject({ kind: 'rejected', status: 401, retryable: false });
  });

  it('keeps at most 200 characters of a remote error body in its message', async () => {
    const body = `${'x'.repeat(5000)}SECRET-TAIL`;
    const noisy = createPartnerCenterClient({ baseUrl: 'https://pc.example/v1.0/engagements/referrals', token: async () => 't', fetch: async () => new Response(body, { status: 400 }) });
    const err = await failure(noisy.get('x'));
    expect(err.message).not.toContain('SECRET-TAIL');
    expect(err.message.length).toBeLessThan(300);
  });
});
