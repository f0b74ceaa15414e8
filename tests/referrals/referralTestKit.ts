import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedBasics } from '../helpers/fixtures';
import { teamsUser, type TeamsUser } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import type { Resolve } from '../../src/services/callbackTarget';

/** What the referral suites share: the app with intake enabled, people in every role, a referral body, a callback. */

export const TOKEN = 'test-referrals-token-0123456789';

/** An operator: an API_CLIENTS admin, who may list every notification and retry failed ones. */
export const OPERATOR_TOKEN = 'test-operator-token-0123456789';
export const sha256Hex = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
export const OPERATOR_CLIENT = `ops:admin:global:${sha256Hex(OPERATOR_TOKEN)}`;

/** The seeded people (tests/helpers/fixtures.ts seedBasics) as Teams users, so they can click. */
export const PEOPLE = {
  admin: teamsUser('Aiko Admin', 'aad-admin'),
  tokyoAdmin: teamsUser('Taro Tokyo-Admin', 'aad-tokyoadmin'),
  tokyoUser: teamsUser('Yuki Tokyo', 'aad-tokyouser'),
  tokyoUser2: teamsUser('Ken Tokyo', 'aad-tokyouser2'),
  osakaUser: teamsUser('Hana Osaka', 'aad-osakauser'),
  nobody: teamsUser('Nobu Norole', 'aad-nobody'),
} satisfies Record<string, TeamsUser>;

export async function startReferralApp(env: Record<string, string> = {}, opts: { resolve?: Resolve } = {}) {
  // The timers are stopped in practice (a day); each test sweeps and dispatches itself with runOnce(now).
  // The callback receivers run on this machine, so private addresses are allowed unless a test says otherwise.
  const app = await startTestApp({
    env: { REFERRALS_API_TOKEN: TOKEN, API_CLIENTS: OPERATOR_CLIENT, SWEEP_INTERVAL_SECONDS: '86400', CALLBACK_ALLOW_PRIVATE: '1', ...env },
    resolve: opts.resolve,
  });
  const seeded = await seedBasics(app.db.prisma);
  return { app, ...seeded };
}

export interface HttpResult {
  status: number;
  body: any;
  headers: Headers;
}

/** One HTTP call; then waits for the follow-up jobs it caused (cards posted or updated), as TestApp.post does. */
export async function request(app: TestApp, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const result = await requestOnly(app, method, path, body, headers);
  await app.settle();
  return result;
}

/** One HTTP call, answered without waiting for anything after it. */
export async function requestOnly(app: TestApp, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const postReferral = (app: TestApp, body: unknown, token: string | null = TOKEN) =>
  request(app, 'POST', '/api/referrals', body, token === null ? {} : { authorization: `Bearer ${token}` });

let counter = 0;

/** A valid referral in the Partner Center shape; `patch` is merged one level deep. */
export function pcReferral(patch: Record<string, any> = {}) {
  counter++;
  const base: Record<string, any> = {
    id: `pc-ref-${Date.now()}-${counter}`,
    name: 'Northwind FinOps assessment',
    createdDateTime: new Date().toISOString(),
    customerProfile: {
      name: 'Northwind Traders KK',
      address: { addressLine1: '1-2-3 Marunouchi', city: 'Tokyo', state: 'Tokyo', postalCode: '100-0005', country: 'JP' },
      ids: { duns: '987654321' },
      team: [{ firstName: 'Jiro', lastName: 'Yamada', phoneNumber: '+81 3 5555 0100', email: 'jiro.yamada@northwind.example' }],
    },
    consent: { consentToShareInfoWithOthers: true, consentToContact: true },
    details: {
      dealValue: 2500000,
      currency: 'JPY',
      closingDateTime: new Date(Date.now() + 60 * 86_400_000).toISOString(),
      notes: 'Wants to cut Azure spend by 20 %.',
      requirements: { solutions: [{ id: 'finops', name: 'Azure FinOps review' }] },
    },
    inviteContext: { notes: 'Customer asked for a Japanese-speaking partner.', invitedBy: { organizationId: 'ms-seller-org', organizationName: 'Microsoft Japan' } },
    targetLocation: 'contoso-jp-tokyo',
    dealType: 'solutionAssessment',
    assessmentType: 'Azure Cost Optimization',
    sender: { type: 'microsoft', name: 'Sato (Microsoft seller)', email: 'sato@microsoft.example' },
  };
  for (const [k, v] of Object.entries(patch)) {
    base[k] = v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object' ? { ...base[k], ...v } : v;
  }
  return base;
}

export interface CallbackHit {
  status: number;
  idempotencyKey: string | undefined;
  body: any;
}

/** A sender's callback endpoint on this machine: answers with the queued statuses first, then 200. */
export async function startCallbackReceiver() {
  const hits: CallbackHit[] = [];
  const queued: number[] = [];
  const watchers = new Set<(hit: CallbackHit) => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = queued.shift() ?? 200;
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      const hit = { status, idempotencyKey: req.headers['idempotency-key'] as string | undefined, body };
      hits.push(hit);
      for (const w of [...watchers]) w(hit);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/referral-events`;
  return {
    url,
    hits,
    /** Resolves with the first hit (past or future) matching the predicate; rejects after timeoutMs. */
    waitFor(predicate: (hit: CallbackHit) => boolean, timeoutMs = 5_000): Promise<CallbackHit> {
      const seen = hits.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise<CallbackHit>((resolve, reject) => {
        const watcher = (hit: CallbackHit) => {
          if (!predicate(hit)) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(new Error(`callback receiver: no matching delivery within ${timeoutMs} ms (${hits.length} received)`));
        }, timeoutMs);
        watchers.add(watcher);
      });
    },
    /** Successful deliveries (2xx answers). */
    delivered: () => hits.filter((h) => h.status >= 200 && h.status < 300),
    failNext(count: number, status = 500) {
      for (let i = 0; i < count; i++) queued.push(status);
    },
    /** The sender's endpoint is fixed: answer 200 from now on. */
    clearFailures() {
      queued.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const daysFromNow = (days: number, now = new Date()) => new Date(now.getTime() + days * 86_400_000);
