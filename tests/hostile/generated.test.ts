import fc from 'fast-check';
import { CARD_VERBS } from '../../bot/actions';
import { PATCH_PATHS, IMMUTABLE_PATHS } from '../../src/http/partnerCenterShape';
import { memberOf, validCreateInput } from '../helpers/fixtures';
import { cardAction, teamsUser } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { call } from '../api/apiKit';
import { TOKEN, pcReferral } from '../referrals/referralTestKit';
import { footprint, startHostileApp, tempUploads, type HostileApp } from './hostileKit';

/**
 * The hostile-input suite (issue 15): generated referral bodies, JSON Patch documents and card submits, full of the
 * values that once got through (NUL, lone surrogates, year 0000, "0x10", "1e3", "…Tgarbage", LIKE wildcards,
 * Markdown, wrong types, other media types). Whatever arrives: never a 5xx, nothing changed when refused, and no
 * upload left in the temp directory. Modest run counts: it runs in CI on 2 cores.
 */

const RUNS = Number(process.env.HOSTILE_RUNS ?? 25);

let h: HostileApp;
let app: TestApp;
let openDealId: string;
let closedDealId: string;
const uploadsBefore = new Set<string>();

beforeAll(async () => {
  tempUploads().forEach((f) => uploadsBefore.add(f));
  h = await startHostileApp();
  app = h.app;
  const by = h.actors.tokyoUser;
  const open = await app.app.services.commands.create(validCreateInput(h.customer.id, by, { team: [memberOf(by)] }), by);
  const closed = await app.app.services.commands.create(validCreateInput(h.customer.id, by, { name: 'Closed deal', team: [memberOf(by)] }), by);
  if (!open.ok || !closed.ok) throw new Error('seed');
  openDealId = open.value.id;
  closedDealId = closed.value.id;
  const lost = await app.app.services.commands.execute(closedDealId, { type: 'lose', input: { reason: 'customerChoseAnotherVendor' } } as never, by);
  if (!lost.ok) throw new Error(`lose: ${lost.refusal.code}`);
});
afterAll(() => h?.close());

afterEach(() => {
  // Never a temp file left: no route parses multipart or form bodies into the temp directory.
  expect(tempUploads().filter((f) => !uploadsBefore.has(f))).toEqual([]);
});

/** Any UTF-16 code unit: NUL, controls, lone surrogates included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 40 });
const NASTY = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u0007bell',
  '0x10',
  '1e3',
  'Infinity',
  '-1',
  '0',
  '0000-01-01',
  '10000-01-01',
  '2027-02-30',
  '2027-01-01Tgarbage',
  '9999-12-31T23:59:59-14:00',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '[Click to verify](https://evil.example/login)',
  '**URGENT**\u202egnp.exe',
  '%',
  '_',
  '%_%\\',
  '',
  ' ',
  'ＪＰＹ',
  '１２３－４５６－７８９',
  "'; DROP TABLE \"Deal\"; --",
  '<script>alert(1)</script>',
  'a'.repeat(5000),
];
const nasty = fc.constantFrom(...NASTY);
/** Plausible text with one bad code unit inside: what reaches the database if a schema forgets to check. */
const dirty = fc
  .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('\u0000', '\u0000', '\u0000', '\ud800', '\udc00', '\u0007', '\u007f'), fc.string({ maxLength: 8 }))
  .map(([a, bad, b]) => `${a}${bad}${b}`);
const scalar = fc.oneof(
  { weight: 4, arbitrary: dirty },
  { weight: 4, arbitrary: nasty },
  { weight: 2, arbitrary: anyUnits },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
);
const hostileValue = fc.oneof(
  { weight: 8, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(nasty, dirty, fc.string({ maxLength: 8 })), scalar, { maxKeys: 3 }) },
);

function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: any = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k];
  }
  node[keys[keys.length - 1] as string] = value;
}

const REFERRAL_PATHS = [
  'id',
  'name',
  'createdDateTime',
  'customerProfile',
  'customerProfile.name',
  'customerProfile.address.country',
  'customerProfile.address.city',
  'customerProfile.ids.duns',
  'customerProfile.team',
  'customerProfile.team.0.email',
  'customerProfile.team.0.phoneNumber',
  'consent.consentToContact',
  'details.dealValue',
  'details.currency',
  'details.closingDateTime',
  'details.notes',
  'details.requirements.solutions',
  'inviteContext.notes',
  'targetLocation',
  'dealType',
  'assessmentType',
  'sender.type',
  'sender.name',
  'sender.callbackUrl',
];

/** Fields stored as text: a bad code unit in one of them is what a forgotten check lets through to the database. */
const TEXT_PATHS = ['id', 'name', 'customerProfile.name', 'customerProfile.address.city', 'details.notes', 'inviteContext.notes', 'targetLocation', 'sender.name', 'customerProfile.team.0.firstName'];
const mutation = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...TEXT_PATHS), fc.oneof({ weight: 2, arbitrary: dirty }, { weight: 1, arbitrary: hostileValue })) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...REFERRAL_PATHS), hostileValue) },
);

const MEDIA_TYPES = [...Array(9).fill('application/json'), 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'text/plain'];

test('generated referral bodies: never a 5xx; a refusal stores nothing', async () => {
  await fc.assert(
    fc.asyncProperty(
      // Mostly one bad field in an otherwise valid referral (so the value reaches as far as it can), sometimes more.
      fc.oneof(
        { weight: 3, arbitrary: mutation.map((m) => [m]) },
        { weight: 1, arbitrary: fc.array(mutation, { minLength: 2, maxLength: 3 }) },
      ),
      fc.constantFrom(...MEDIA_TYPES),
      async (mutations, mediaType) => {
        const body = pcReferral();
        for (const [path, value] of mutations) setPath(body, path, value);
        const encoded = mediaType.startsWith('multipart') ? `--x\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n${JSON.stringify(body)}\r\n--x--\r\n` : JSON.stringify(body);
        const before = await footprint(app);
        const res = await fetch(`${app.url}/api/referrals`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': mediaType }, body: encoded });
        await res.text();
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(await footprint(app)).toEqual(before);
      },
    ),
    { numRuns: RUNS },
  );
});

const OTHER_PATHS = [...IMMUTABLE_PATHS, '/details/requirements/solutions', '/nope', '', '/'];
const op = fc.record(
  {
    op: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('replace', 'add') }, { weight: 1, arbitrary: fc.constantFrom('remove', 'copy', 'test', '\u0000') }),
    path: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...Object.keys(PATCH_PATHS)) },
      { weight: 2, arbitrary: fc.constantFrom(...OTHER_PATHS) },
      { weight: 1, arbitrary: fc.oneof(nasty, dirty) },
    ),
    value: hostileValue,
  },
  { requiredKeys: ['op', 'path'] },
);

test('generated JSON Patch documents: never a 5xx; a refusal leaves the deal and its history as they were', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: fc.array(op, { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: hostileValue }), async (doc) => {
      const current = await call(app, 'GET', `/api/deals/${openDealId}`);
      expect(current.status).toBe(200);
      const before = await footprint(app);
      const res = await call(app, 'PATCH', `/api/deals/${openDealId}`, { body: doc, headers: { 'if-match': current.headers.get('etag')! } });
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(await footprint(app)).toEqual(before);
        expect(res.body.error).toMatchObject({ code: expect.any(String), messages: { en: expect.any(String), ja: expect.any(String) } });
      }
    }),
    { numRuns: RUNS },
  );
});

test('generated GET /api/deals query strings: never a 5xx', async () => {
  const names = ['q', 'location', 'stage', 'status', '$top', 'cursor', 'updatedSince', 'type', 'direction', '\u0000'];
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...names), fc.oneof({ weight: 3, arbitrary: dirty }, nasty, anyUnits)), { minLength: 1, maxLength: 3 }), async (pairs) => {
      // encodeURIComponent refuses lone surrogates; percent-encode their UTF-8-ish bytes by hand instead.
      const enc = (s: string) => [...s].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
      const res = await call(app, 'GET', `/api/deals?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`);
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: RUNS },
  );
});

test('generated card submits through /api/messages: never a 5xx; nothing changes on a closed deal, a forged one or an admin verb', async () => {
  const user = teamsUser('Yuki Tokyo', 'aad-tokyouser'); // a Referrals user (not an admin) in Tokyo
  const verbs = [...Object.keys(CARD_VERBS), 'newDeal', 'nope'];
  const dealIds = fc.oneof(fc.constant(closedDealId), nasty, anyUnits, fc.uuid());
  const data = fc.record({ dealId: dealIds, version: hostileValue, extra: hostileValue, nav: hostileValue, value: hostileValue, query: hostileValue, country: hostileValue }, { requiredKeys: ['dealId'] });
  const count = async () => ({
    ...(await footprint(app)),
    users: await app.db.prisma.user.count(),
    locations: await app.db.prisma.location.count(),
    scopes: await app.db.prisma.userLocation.count(),
    routes: await app.db.prisma.locationRoute.count(),
  });
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...verbs), data, async (verb, d) => {
      const before = await count();
      const res = await app.post(cardAction(verb, d as Record<string, unknown>, { from: user, locale: 'ja-JP' }));
      expect(res.status).toBeLessThan(500);
      expect(await count()).toEqual(before);
    }),
    { numRuns: RUNS * 2 },
  );
});
