import type { Prisma } from '@prisma/client';
import type { TestApp } from '../helpers/testApp';
import { OSAKA, TOKYO, inDays } from '../helpers/fixtures';
import { call, startApiApp, type ClientKey } from './apiKit';

/** GET /api/deals over 250 deals: filters, $top, and keyset paging that survives concurrent inserts (R27). */
describe('GET /api/deals', () => {
  let app: TestApp;
  let customerId: string;
  let seq = 0;

  /** Deal i of a known spread: every 2nd incoming, every 3rd co-sell, every 5th Osaka, every 7th collecting data. */
  function row(i: number): Prisma.DealCreateManyInput {
    const inbound = i % 2 === 0;
    const stage = i % 7 === 0 ? 'collectData' : inbound ? 'created' : 'accepted';
    return {
      direction: inbound ? 'inbound' : 'outbound',
      type: i % 3 === 0 ? 'coSell' : 'solutionAssessment',
      status: inbound && stage === 'created' ? 'New' : 'Active',
      substatus: inbound && stage === 'created' ? 'Received' : 'Accepted',
      stage: i % 3 === 0 && stage === 'collectData' ? 'developed' : stage,
      name: i % 10 === 0 ? `Contoso Cloud Deal ${i}` : `Deal ${i}`,
      value: 1000 + i,
      currency: 'JPY',
      closeDate: new Date(`${inDays(30)}T00:00:00Z`),
      locationId: i % 5 === 0 ? OSAKA : TOKYO,
      customerId,
      updatedAt: new Date(Date.UTC(2030, 0, 1) + i * 60_000),
    };
  }
  const seeded: Prisma.DealCreateManyInput[] = [];

  beforeAll(async () => {
    const started = await startApiApp();
    app = started.app;
    customerId = started.customer.id;
    for (seq = 0; seq < 250; seq++) seeded.push(row(seq));
    await app.db.prisma.deal.createMany({ data: seeded });
  });
  afterAll(() => app?.close());

  async function all(query: string, as: ClientKey = 'hq') {
    const ids: string[] = [];
    let path: string | undefined = `/api/deals?${query}`;
    let pages = 0;
    while (path) {
      const res = await call(app, 'GET', path, { as });
      expect(res.status).toBe(200);
      ids.push(...res.body.value.map((d: any) => d.name));
      path = res.body['@odata.nextLink'];
      pages++;
    }
    return { names: ids, pages };
  }
  const names = (rows: Prisma.DealCreateManyInput[]) => rows.map((r) => r.name).sort();

  test('100 per page over 250 deals: three pages, every deal exactly once, newest first', async () => {
    const first = await call(app, 'GET', '/api/deals?$top=100');
    expect(first.body.value).toHaveLength(100);
    expect(first.body.value[0]).toMatchObject({ name: 'Deal 249', location: TOKYO, eTag: '"1"' });
    const { names: got, pages } = await all('$top=100');
    expect(pages).toBe(3);
    expect(new Set(got).size).toBe(250);
    expect(got.slice().sort()).toEqual(names(seeded));
  });

  test('deals inserted while a client pages through appear neither twice nor in place of others', async () => {
    const page1 = await call(app, 'GET', '/api/deals?$top=60');
    const inserted: Prisma.DealCreateManyInput[] = [];
    for (let k = 0; k < 15; k++) inserted.push({ ...row(seq++), name: `Late ${k}` });
    // Inserts land between the pages, concurrently with the next request.
    const [page2] = await Promise.all([call(app, 'GET', page1.body['@odata.nextLink']), app.db.prisma.deal.createMany({ data: inserted })]);
    const rest = await all(new URL(page2.body['@odata.nextLink'], 'http://x').search.slice(1));
    const got = [...page1.body.value, ...page2.body.value].map((d: any) => d.name).concat(rest.names);
    expect(new Set(got).size).toBe(got.length);
    expect(got.filter((n) => !n.startsWith('Late')).sort()).toEqual(names(seeded));
    const fresh = await call(app, 'GET', '/api/deals?$top=5');
    expect(fresh.body.value.map((d: any) => d.name)).toEqual(['Late 14', 'Late 13', 'Late 12', 'Late 11', 'Late 10']);
    await app.db.prisma.deal.deleteMany({ where: { name: { startsWith: 'Late ' } } });
  });

  test.each([
    ['direction=Incoming', (r: Prisma.DealCreateManyInput) => r.direction === 'inbound'],
    ['direction=Outgoing&type=coSell', (r: Prisma.DealCreateManyInput) => r.direction === 'outbound' && r.type === 'coSell'],
    ['type=Shared', (r: Prisma.DealCreateManyInput) => r.direction === 'inbound'],
    ['status=New&substatus=Received', (r: Prisma.DealCreateManyInput) => r.status === 'New'],
    ['stage=Collect%20data', (r: Prisma.DealCreateManyInput) => r.stage === 'collectData'],
    ['stage=developed&dealType=coSell', (r: Prisma.DealCreateManyInput) => r.stage === 'developed'],
    [`location=${OSAKA}`, (r: Prisma.DealCreateManyInput) => r.locationId === OSAKA],
    ['q=contoso%20CLOUD', (r: Prisma.DealCreateManyInput) => r.name.startsWith('Contoso Cloud')],
    ['q=fabrikam', () => true],
    ['updatedSince=2030-01-01T03:00:00Z', (r: Prisma.DealCreateManyInput) => (r.updatedAt as Date).getTime() >= Date.UTC(2030, 0, 1, 3)],
    ['direction=Incoming&type=Independent', () => false],
  ])('%s', async (query, keep) => {
    const { names: got } = await all(`${query}&$top=100`);
    expect(got.sort()).toEqual(names(seeded.filter(keep)));
  });

  test('filters carry over to the next page', async () => {
    const { names: got, pages } = await all('direction=Incoming&$top=40');
    expect(pages).toBe(4);
    expect(got.sort()).toEqual(names(seeded.filter((r) => r.direction === 'inbound')));
  });

  test('a location-scoped client lists its locations only, and a location outside its scope is 403', async () => {
    const { names: got } = await all('$top=100', 'osaka');
    expect(got.sort()).toEqual(names(seeded.filter((r) => r.locationId === OSAKA)));
    const refused = await call(app, 'GET', `/api/deals?location=${TOKYO}`, { as: 'osaka' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'LOCATION_OUT_OF_SCOPE', target: 'location' });
  });

  test.each([
    ['$top=101', '$top'],
    ['$top=0', '$top'],
    ['direction=Sideways', 'direction'],
    ['updatedSince=yesterday', 'updatedSince'],
    ['colour=blue', 'colour'],
  ])('a bad query (%s) is 400 naming the parameter', async (query, field) => {
    const res = await call(app, 'GET', `/api/deals?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_QUERY');
    expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
  });

  test('an unknown stage name is 400 listing the stage names', async () => {
    const res = await call(app, 'GET', '/api/deals?stage=Banana');
    expect(res.status).toBe(400);
    expect(res.body.error.accepted).toContain('Secure customer LOE');
  });

  test('without a valid token: 401 and nothing else', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-client-token' }, { authorization: 'Basic aGk6dGhlcmU=' }];
    for (const headers of attempts) {
      const res = await call(app, 'GET', '/api/deals', { as: null, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.body.value).toBeUndefined();
    }
  });
});
