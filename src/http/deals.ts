import type { Next, Request, Response, Server } from 'restify';
import {
  STAGE_LABEL,
  StageSchema,
  fieldErrorsOf,
  refuse,
  type Command,
  type DealType,
  type DomainConfig,
  type PersonActor,
  type Refusal,
  type Stage,
} from '../domain';
import type { Logger } from '../log';
import type { Database } from '../store/database';
import type { DealFilter, DealRecord, DealStore } from '../store/dealStore';
import { actorOfClient, bearerToken, clientForToken, type ApiClient } from './apiAuth';
import { patchPathOf, planPatch, targetOfRefusal } from './dealPatch';
import { apiProblem, langOf, refusalProblem, sendProblem, type Lang, type Problem } from './errors';
import { readJsonBody } from './jsonBody';
import {
  ListQuerySchema,
  PatchDocumentSchema,
  RegistrationReviewSchema,
  directionFrom,
  etagOf,
  toPartnerCenter,
  type ListQuery,
} from './partnerCenterShape';

/**
 * The deals API (R27) in the Partner Center referrals shape: list, read, and change deals with JSON Patch under
 * If-Match concurrency. The same state machine and permissions as the bot (R4); every change updates the deal's
 * posted Teams cards, like a click does.
 */

export interface DealsApiDeps {
  db: Pick<Database, 'prisma'>;
  logger: Logger;
  domain: DomainConfig;
  deals: DealStore;
  /** Brings every posted Teams card of the deal up to date (CardPublisher.refreshCopies). */
  publisher: { refreshCopies(dealId: string): Promise<number> };
  apiClients: readonly ApiClient[];
  maxBodyBytes: number;
  /** External base URL for @odata.nextLink; relative links without it. */
  publicBaseUrl?: string;
}

export const DEALS_API_ROUTES = [
  { method: 'get', path: '/api/deals' },
  { method: 'get', path: '/api/deals/{id}' },
  { method: 'patch', path: '/api/deals/{id}' },
  { method: 'patch', path: '/api/deals/{id}/registration' },
] as const;

const PATCH_MEDIA_TYPES = ['application/json-patch+json', 'application/json'];

const clients = new WeakMap<Request, ApiClient>();

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.header(k, v);
  res.status(status);
  if (body === undefined) res.end();
  else res.json(body);
}

/** Looks a stage up by id or standard name in either language, for the list filter. */
function stageNamed(value: string): Stage | undefined {
  const n = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[\s_-]+/g, '');
  return StageSchema.options.find((s) => n(s) === n(value) || n(STAGE_LABEL[s].en) === n(value) || n(STAGE_LABEL[s].ja) === n(value));
}

/** If-Match → the version it names; undefined when absent; null when it names no version of ours. */
function ifMatchVersion(header: string | undefined): number | null | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const first = header.split(',')[0]?.trim() ?? '';
  if (first === '*') return undefined; // "*" says nothing about the version: treated as missing (428).
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(first) ?? /^(\d{1,9})$/.exec(first);
  return m ? Number(m[1]) : null;
}

export function registerDealsApi(server: Server, deps: DealsApiDeps): void {
  const { deals, logger } = deps;
  const lang = (req: Request): Lang => langOf(req.header('accept-language'));
  const actorOf = (req: Request): PersonActor => actorOfClient(clients.get(req) as ApiClient);
  const fail = (req: Request, res: Response, problem: Problem) =>
    sendProblem(res, problem, problem.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="cosell-bot deals API"' } : {});
  const refused = (req: Request, res: Response, refusal: Refusal, extras: { target?: string; accepted?: string[] } = {}) => {
    const problem = refusalProblem(refusal, lang(req), extras);
    for (const d of problem.body.error.details ?? []) d.field = patchPathOf(d.field);
    fail(req, res, problem);
  };

  // R4: every request names its client; an unknown or missing token learns nothing else.
  const authenticate = (req: Request, res: Response, next: Next) => {
    const token = bearerToken(req.header('authorization'));
    const client = token ? clientForToken(deps.apiClients, token) : null;
    if (!client) {
      fail(req, res, apiProblem('UNAUTHORIZED', lang(req)));
      return next(false);
    }
    clients.set(req, client);
    return next();
  };

  /** Latest note of each deal in one query (details.notes). */
  async function latestNotes(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await deps.db.prisma.dealNote.findMany({
      where: { dealId: { in: ids } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      distinct: ['dealId'],
      select: { dealId: true, text: true },
    });
    return new Map(rows.map((r) => [r.dealId, r.text]));
  }

  async function shape(deal: DealRecord) {
    return toPartnerCenter(deal, (await latestNotes([deal.id])).get(deal.id) ?? null);
  }

  function filterOf(query: ListQuery): DealFilter | 'empty' {
    const filter: DealFilter = {};
    const directions = new Set<'inbound' | 'outbound'>(['inbound', 'outbound']);
    if (query.direction) directions.forEach((d) => d !== directionFrom(query.direction!) && directions.delete(d));
    if (query.type === 'Shared') directions.delete('outbound');
    else if (query.type === 'Independent') directions.delete('inbound');
    else if (query.type) filter.type = query.type as DealType;
    if (query.dealType) {
      if (filter.type && filter.type !== query.dealType) return 'empty';
      filter.type = query.dealType;
    }
    if (directions.size === 0) return 'empty';
    if (directions.size === 1) filter.direction = [...directions][0];
    if (query.status) filter.status = query.status;
    if (query.substatus) filter.substatus = query.substatus;
    if (query.location) filter.locationId = query.location;
    if (query.updatedSince) filter.updatedSince = new Date(query.updatedSince);
    if (query.q) filter.q = query.q;
    return filter;
  }

  server.get('/api/deals', authenticate, async (req: Request, res: Response) => {
    const params = new URLSearchParams(req.getQuery() ?? '');
    for (const [key, value] of [...params]) if (value.trim() === '') params.delete(key);
    const parsed = ListQuerySchema.safeParse(Object.fromEntries(params));
    if (!parsed.success) {
      const details = fieldErrorsOf(parsed.error).map((f) => ({ field: f.field, code: f.code, message: f.message }));
      const problem = apiProblem('BAD_QUERY', lang(req), {}, { target: details[0]?.field });
      problem.body.error.details = details;
      return fail(req, res, problem);
    }
    const query = parsed.data;
    const actor = actorOf(req);
    // A location outside the client's scope is refused outright (R1), not answered with an empty list.
    if (query.location && !actor.scope.global && !actor.scope.locations.includes(query.location)) {
      return fail(req, res, apiProblem('LOCATION_OUT_OF_SCOPE', lang(req), { location: query.location }, { target: 'location' }));
    }
    const filter = filterOf(query);
    let stage: Stage | undefined;
    if (query.stage) {
      stage = stageNamed(query.stage);
      if (!stage) return fail(req, res, apiProblem('BAD_QUERY', lang(req), {}, { target: 'stage', accepted: StageSchema.options.map((s) => STAGE_LABEL[s].en) }));
    }
    if (filter === 'empty') return send(res, 200, { value: [] });
    const page = await deals.list(actor, { ...filter, stage }, { limit: query.$top ?? 20, cursor: query.cursor });
    const notes = await latestNotes(page.items.map((d) => d.id));
    const body: Record<string, unknown> = { value: page.items.map((d) => toPartnerCenter(d, notes.get(d.id) ?? null)) };
    if (page.next) {
      params.set('cursor', page.next);
      body['@odata.nextLink'] = `${deps.publicBaseUrl ?? ''}/api/deals?${params.toString()}`;
    }
    send(res, 200, body);
  });

  server.get('/api/deals/:id', authenticate, async (req: Request, res: Response) => {
    const found = await deals.get(String(req.params.id), actorOf(req));
    if (!found.ok) return refused(req, res, found.refusal);
    const etag = etagOf(found.value);
    if (req.header('if-none-match') === etag) return send(res, 304, undefined, { ETag: etag });
    send(res, 200, await shape(found.value), { ETag: etag });
  });

  /** Shared tail of both PATCH routes: precondition, one unit of commands, Teams cards, the answer. */
  async function change(
    req: Request,
    res: Response,
    plan: (deal: DealRecord) => { ok: true; commands: Command[] } | { ok: false; reply: () => void },
    targetOf: (refusal: Refusal) => string | undefined = () => undefined,
  ) {
    const actor = actorOf(req);
    const id = String(req.params.id);
    const expected = ifMatchVersion(req.header('if-match'));
    const found = await deals.get(id, actor);
    if (!found.ok) return refused(req, res, found.refusal);
    if (expected === undefined) return fail(req, res, apiProblem('PRECONDITION_REQUIRED', lang(req), { id }));
    const planned = plan(found.value);
    if (!planned.ok) return planned.reply();
    let deal = found.value;
    if (planned.commands.length === 0) {
      // Nothing to change; the precondition still holds the client to the version it saw.
      if (expected !== deal.version) return refused(req, res, refuse('STALE_VERSION'));
    } else {
      const outcome = await deals.executeAll(deal.id, planned.commands, actor, { expectedVersion: expected ?? -1 });
      if (!outcome.ok) return refused(req, res, outcome.refusal, { target: targetOf(outcome.refusal) });
      deal = outcome.value.deal;
      // Like a click (bot/actions/dealCommand.ts): every posted copy of the deal's card follows.
      try {
        await deps.publisher.refreshCopies(deal.id);
      } catch (err) {
        logger.warn({ err, dealId: deal.id }, 'deals API: could not refresh posted cards');
      }
    }
    const etag = etagOf(deal);
    const prefer = (req.header('prefer') ?? '').toLowerCase();
    if (/\breturn=representation\b/.test(prefer)) return send(res, 200, await shape(deal), { ETag: etag, 'Preference-Applied': 'return=representation' });
    send(res, 204, undefined, { ETag: etag });
  }

  async function body(req: Request, res: Response, mediaTypes: readonly string[]): Promise<{ ok: true; value: unknown } | { ok: false }> {
    const read = await readJsonBody(req, { maxBytes: deps.maxBodyBytes, mediaTypes });
    if (read.ok) return read;
    if (read.reason === 'tooLarge') fail(req, res, apiProblem('PAYLOAD_TOO_LARGE', lang(req), { max: Math.round(deps.maxBodyBytes / 1024) }));
    else if (read.reason === 'mediaType') fail(req, res, apiProblem('UNSUPPORTED_MEDIA_TYPE', lang(req), { expected: mediaTypes.join(' or ') }));
    else fail(req, res, apiProblem('BAD_JSON', lang(req), { detail: read.detail }));
    return { ok: false };
  }

  server.patch('/api/deals/:id', authenticate, async (req: Request, res: Response) => {
    const read = await body(req, res, PATCH_MEDIA_TYPES);
    if (!read.ok) return;
    const doc = PatchDocumentSchema.safeParse(read.value);
    if (!doc.success) {
      const ops = Array.isArray(read.value) ? (read.value as unknown[]) : [];
      const odd = ops.find((o): o is { op: string; path?: unknown } => typeof (o as { op?: unknown })?.op === 'string' && !['add', 'replace'].includes((o as { op: string }).op));
      if (odd) return fail(req, res, apiProblem('UNSUPPORTED_OPERATION', lang(req), { op: odd.op }, { target: typeof odd.path === 'string' ? odd.path : undefined }));
      const problem = apiProblem('BAD_PATCH', lang(req));
      problem.body.error.details = fieldErrorsOf(doc.error).map((f) => ({ field: f.field, code: f.code, message: f.message }));
      return fail(req, res, problem);
    }
    const stageMaps = clients.get(req)?.stageMaps;
    await change(req, res, (deal) => {
      const plan = planPatch(deal, doc.data, stageMaps?.[deal.type] ?? {});
      if (plan.ok) return plan;
      if ('api' in plan) return { ok: false, reply: () => fail(req, res, apiProblem(plan.api, lang(req), plan.params, { target: plan.target })) };
      return { ok: false, reply: () => refused(req, res, plan.refusal, { target: plan.target, accepted: plan.accepted }) };
    }, (refusal) => targetOfRefusal(refusal.code, doc.data));
  });

  // R23: a reviewer outcome of the deal's registration (the domain allows it to admins only).
  server.patch('/api/deals/:id/registration', authenticate, async (req: Request, res: Response) => {
    const read = await body(req, res, ['application/json', 'application/merge-patch+json']);
    if (!read.ok) return;
    const review = RegistrationReviewSchema.safeParse(read.value);
    if (!review.success) {
      const problem = apiProblem('BAD_BODY', lang(req));
      problem.body.error.details = fieldErrorsOf(review.error).map((f) => ({ field: f.field, code: f.code, message: f.message }));
      return fail(req, res, problem);
    }
    await change(req, res, () => ({ ok: true, commands: [{ type: 'reviewRegistration', input: review.data }] }));
  });
}
