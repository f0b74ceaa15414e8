import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedBasics, OSAKA, TOKYO } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/testApp';

/** The deals API as a CRM sees it: the real app, API clients configured through API_CLIENTS, plain fetch. */

export const TOKENS = {
  hq: 'hq-token-0123456789abcdef',
  crmTokyo: 'crm-tokyo-token-0123456789',
  tokyoUser: 'tokyo-user-token-012345678',
  osaka: 'osaka-token-0123456789abcd',
} as const;
export type ClientKey = keyof typeof TOKENS;

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/** The CRM stage names of the Tokyo CRM (R22). */
export const CRM_STAGE_MAP = {
  Discovery: 'secureCustomerLoe',
  'Data Gathering': 'Collect data',
  Proposal: { solutionAssessment: 'Present to customer', coSell: 'proposed' },
  'Closed Won': 'won',
  'Closed Lost': 'lost',
};

export function apiClientsEnv(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cosell-stages-'));
  const file = join(dir, 'crm-tokyo.json');
  writeFileSync(file, JSON.stringify(CRM_STAGE_MAP));
  return [
    `hq:admin:global:${sha(TOKENS.hq)}`,
    `crm-tokyo:admin:${TOKYO}:${sha(TOKENS.crmTokyo)}:${file}`,
    `tokyo-user:user:${TOKYO}:${sha(TOKENS.tokyoUser)}`,
    `osaka-crm:admin:${OSAKA}:${sha(TOKENS.osaka)}`,
  ].join(';');
}

export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export interface ApiCall {
  as?: ClientKey | null;
  body?: unknown;
  /** Sent as is (no JSON encoding). */
  raw?: string;
  headers?: Record<string, string>;
}

export async function call(app: TestApp, method: string, path: string, opts: ApiCall = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const as = opts.as === undefined ? 'hq' : opts.as;
  if (as) headers.authorization = `Bearer ${TOKENS[as]}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = method === 'PATCH' && Array.isArray(opts.body) ? 'application/json-patch+json' : 'application/json';
  }
  const res = await fetch(`${app.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  // A change's follow-ups (posted Teams cards) run as jobs after the answer: wait for them, as a user would see them.
  if (method !== 'GET') await app.settle();
  return { status: res.status, body: parsed, headers: res.headers };
}

/** GET the deal, then PATCH it with the ETag just read. */
export async function patchFresh(app: TestApp, id: string, ops: unknown, opts: ApiCall = {}): Promise<ApiAnswer> {
  const current = await call(app, 'GET', `/api/deals/${id}`, { as: opts.as });
  if (current.status !== 200) throw new Error(`GET /api/deals/${id} → ${current.status}`);
  return call(app, 'PATCH', `/api/deals/${id}`, { ...opts, body: ops, headers: { 'if-match': current.headers.get('etag')!, ...(opts.headers ?? {}) } });
}

export async function startApiApp() {
  const app = await startTestApp({ env: { API_CLIENTS: apiClientsEnv() } });
  const seeded = await seedBasics(app.db.prisma);
  return { app, ...seeded };
}

export const replace = (path: string, value: unknown) => ({ op: 'replace', path, value });
