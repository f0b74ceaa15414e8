import type { Next, Request, Response, Server } from 'restify';
import { fieldErrorsOf, refuse, stagesNamed, type Command, type DealFilter, type DealRecord, type DealType, type PersonActor, type Refusal } from '../domain';
import type { Logger } from '../log';
import type { DealCommands } from '../services/dealCommands';
import type { DealQueries } from '../services/dealQueries';
import { actorOfClient, bearerToken, clientForToken, type ApiClient } from './apiAuth';
import { acceptedStageValues, patchPathOf, planPatch, targetOfRefusal } from './dealPatch';
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
 * If-Match concurrency. A thin adapter: reads go through the deal queries, changes through the deal-command
 * service — the same state machine, permissions (R4) and follow-ups (posted Teams cards, sender notifications) as a
 * click in Teams.
 */

export interface DealsApiDeps {
  logger: Logger;
  commands: Pick<DealCommands, 'execute'>;
  queries: Pick<DealQueries, 'get' | 'list'>;
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
const REVIEW_MEDIA_TYPES = ['application/json', 'application/merge-patch+json'];

const clients = new WeakMap<Request, ApiClient>();

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.header(k, v);
  res.status(status);
  if (body === undefined) res.end();
  else res.json(body);
}

/** If-Match → the version it names; undefined when absent; null when it names no version of ours. */
function ifMatchVersion(header: string | undefined): number | null | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const first = header.split(',')[0]?.trim() ?? '';
  if (first === '*') return undefined; // "*" says nothing about the version: treated as missing (428).
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(first) ?? /^(\d{1,9})$/.exec(first);
  return m ? Number(m[1]) : null;
}

const lang = (req: Request): Lang => langOf(req.header('accept-language'));
const clientOf = (req: Request): ApiClient => clients.get(req) as ApiClient;
const actorOf = (req: Request): PersonActor => actorOfClient(clientOf(req));

function fail(res: Response, problem: Problem): void {
  sendProblem(res, problem, problem.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="cosell-bot deals API"' } : {});
}

function refused(req: Request, res: Response, refusal: Refusal, extras: { target?: string; accepted?: string[] } = {}): void {
  const problem = refusalProblem(refusal, lang(req), extras);
  for (const d of problem.body.error.details ?? []) d.field = patchPathOf(d.field);
  fail(res, problem);
}

function withDetails(problem: Problem, error: Parameters<typeof fieldErrorsOf>[0]): Problem {
  problem.body.error.details = fieldErrorsOf(error).map((f) => ({ field: f.field, code: f.code, message: f.message }));
  return problem;
}

/** The query's filters (direction, type, status, stage names of R22, …), or 'empty' when they exclude everything. */
function filterOf(query: ListQuery, client: ApiClient): { ok: true; filter: DealFilter | 'empty' } | { ok: false; accepted: string[] } {
  const filter: DealFilter = {};
  const directions = new Set<'inbound' | 'outbound'>(['inbound', 'outbound']);
  if (query.direction) directions.forEach((d) => d !== directionFrom(query.direction!) && directions.delete(d));
  if (query.type === 'Shared') directions.delete('outbound');
  else if (query.type === 'Independent') directions.delete('inbound');
  else if (query.type) filter.type = query.type as DealType;
  if (query.dealType) {
    if (filter.type && filter.type !== query.dealType) return { ok: true, filter: 'empty' };
    filter.type = query.dealType;
  }
  if (query.stage) {
    // One stage-name resolver everywhere (R22): standard names, percentages and the client's own CRM names.
    const types: DealType[] = filter.type ? [filter.type] : ['solutionAssessment', 'coSell'];
    const stages = stagesNamed(query.stage, types, client.stageMaps);
    if (!stages.ok) return { ok: false, accepted: [...new Set(types.flatMap((type) => acceptedStageValues({ type }, client.stageMaps[type] ?? {})))] };
    filter.stages = stages.value;
  }
  if (directions.size === 0) return { ok: true, filter: 'empty' };
  if (directions.size === 1) filter.direction = [...directions][0];
  if (query.status) filter.status = query.status;
  if (query.substatus) filter.substatus = query.substatus;
  if (query.location) filter.locationId = query.location;
  if (query.updatedSince) filter.updatedSince = new Date(query.updatedSince);
  if (query.q) filter.q = query.q;
  return { ok: true, filter };
}

export function registerDealsApi(server: Server, deps: DealsApiDeps): void {
  const { commands, queries } = deps;

  // R4: every request names its client; an unknown or missing token learns nothing else.
  const authenticate = (req: Request, res: Response, next: Next) => {
    const token = bearerToken(req.header('authorization'));
    const client = token ? clientForToken(deps.apiClients, token) : null;
    if (!client) {
      fail(res, apiProblem('UNAUTHORIZED', lang(req)));
      return next(false);
    }
    clients.set(req, client);
    return next();
  };

  async function readBody(req: Request, res: Response, mediaTypes: readonly string[]): Promise<{ ok: true; value: unknown } | { ok: false }> {
    const read = await readJsonBody(req, { maxBytes: deps.maxBodyBytes, mediaTypes });
    if (read.ok) return read;
    if (read.reason === 'tooLarge') fail(res, apiProblem('PAYLOAD_TOO_LARGE', lang(req), { max: Math.round(deps.maxBodyBytes / 1024) }));
    else if (read.reason === 'mediaType') fail(res, apiProblem('UNSUPPORTED_MEDIA_TYPE', lang(req), { expected: mediaTypes.join(' or ') }));
    else fail(res, apiProblem('BAD_JSON', lang(req), { detail: read.detail }));
    return { ok: false };
  }

  /** Both PATCH routes: precondition, one unit of commands through the command service, the answer. */
  async function change(
    req: Request,
    res: Response,
    plan: (deal: DealRecord) => { ok: true; commands: Command[] } | { ok: false; reply: () => void },
    targetOf: (refusal: Refusal) => string | undefined = () => undefined,
  ): Promise<void> {
    const actor = actorOf(req);
    const id = String(req.params.id);
    const expected = ifMatchVersion(req.header('if-match'));
    const found = await queries.get(id, actor);
    if (!found.ok) return refused(req, res, found.refusal);
    if (expected === undefined) return fail(res, apiProblem('PRECONDITION_REQUIRED', lang(req), { id }));
    const planned = plan(found.value);
    if (!planned.ok) return planned.reply();
    let deal = found.value;
    if (planned.commands.length === 0) {
      // Nothing to change; the precondition still holds the client to the version it saw.
      if (expected !== deal.version) return refused(req, res, refuse('STALE_VERSION'));
    } else {
      const outcome = await commands.execute(deal.id, planned.commands, actor, { ifMatch: expected ?? -1 });
      if (!outcome.ok) return refused(req, res, outcome.refusal, { target: targetOf(outcome.refusal) });
      deal = outcome.value.deal;
    }
    const etag = etagOf(deal);
    const prefer = (req.header('prefer') ?? '').toLowerCase();
    if (/\breturn=representation\b/.test(prefer)) return send(res, 200, toPartnerCenter(deal), { ETag: etag, 'Preference-Applied': 'return=representation' });
    send(res, 204, undefined, { ETag: etag });
  }

  const listDeals = async (req: Request, res: Response) => {
    const params = new URLSearchParams(req.getQuery() ?? '');
    for (const [key, value] of [...params]) if (value.trim() === '') params.delete(key);
    const parsed = ListQuerySchema.safeParse(Object.fromEntries(params));
    if (!parsed.success) return fail(res, withDetails(apiProblem('BAD_QUERY', lang(req)), parsed.error));
    const query = parsed.data;
    const actor = actorOf(req);
    // A location outside the client's scope is refused outright (R1), not answered with an empty list.
    if (query.location && !actor.scope.global && !actor.scope.locations.includes(query.location)) {
      return fail(res, apiProblem('LOCATION_OUT_OF_SCOPE', lang(req), { location: query.location }, { target: 'location' }));
    }
    const filtered = filterOf(query, clientOf(req));
    if (!filtered.ok) return fail(res, apiProblem('BAD_QUERY', lang(req), {}, { target: 'stage', accepted: filtered.accepted }));
    if (filtered.filter === 'empty') return send(res, 200, { value: [] });
    const page = await queries.list(actor, filtered.filter, { limit: query.$top ?? 20, cursor: query.cursor });
    const body: Record<string, unknown> = { value: page.items.map((d) => toPartnerCenter(d)) };
    if (page.next) {
      params.set('cursor', page.next);
      body['@odata.nextLink'] = `${deps.publicBaseUrl ?? ''}/api/deals?${params.toString()}`;
    }
    send(res, 200, body);
  };

  const getDeal = async (req: Request, res: Response) => {
    const found = await queries.get(String(req.params.id), actorOf(req));
    if (!found.ok) return refused(req, res, found.refusal);
    const etag = etagOf(found.value);
    if (req.header('if-none-match') === etag) return send(res, 304, undefined, { ETag: etag });
    send(res, 200, toPartnerCenter(found.value), { ETag: etag });
  };

  const patchDeal = async (req: Request, res: Response) => {
    const read = await readBody(req, res, PATCH_MEDIA_TYPES);
    if (!read.ok) return;
    const doc = PatchDocumentSchema.safeParse(read.value);
    if (!doc.success) {
      const ops = Array.isArray(read.value) ? (read.value as unknown[]) : [];
      const odd = ops.find((o): o is { op: string; path?: unknown } => typeof (o as { op?: unknown })?.op === 'string' && !['add', 'replace'].includes((o as { op: string }).op));
      if (odd) return fail(res, apiProblem('UNSUPPORTED_OPERATION', lang(req), { op: odd.op }, { target: typeof odd.path === 'string' ? odd.path : undefined }));
      return fail(res, withDetails(apiProblem('BAD_PATCH', lang(req)), doc.error));
    }
    const stageMaps = clientOf(req).stageMaps;
    await change(
      req,
      res,
      (deal) => {
        const plan = planPatch(deal, doc.data, stageMaps[deal.type] ?? {});
        if (plan.ok) return plan;
        if ('api' in plan) return { ok: false, reply: () => fail(res, apiProblem(plan.api, lang(req), plan.params, { target: plan.target })) };
        return { ok: false, reply: () => refused(req, res, plan.refusal, { target: plan.target, accepted: plan.accepted }) };
      },
      (refusal) => targetOfRefusal(refusal.code, doc.data),
    );
  };

  // R23: a reviewer outcome of the deal's registration (the domain allows it to admins only).
  const reviewRegistration = async (req: Request, res: Response) => {
    const read = await readBody(req, res, REVIEW_MEDIA_TYPES);
    if (!read.ok) return;
    const review = RegistrationReviewSchema.safeParse(read.value);
    if (!review.success) return fail(res, withDetails(apiProblem('BAD_BODY', lang(req)), review.error));
    await change(req, res, () => ({ ok: true, commands: [{ type: 'reviewRegistration', input: review.data }] }));
  };

  server.get('/api/deals', authenticate, listDeals);
  server.get('/api/deals/:id', authenticate, getDeal);
  server.patch('/api/deals/:id', authenticate, patchDeal);
  server.patch('/api/deals/:id/registration', authenticate, reviewRegistration);
}
