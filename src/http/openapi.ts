import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { API_ERRORS } from './errors';
import {
  DealListSchema,
  DealSchema,
  ErrorSchema,
  ListQuerySchema,
  PatchDocumentSchema,
  RegistrationReviewSchema,
} from './partnerCenterShape';
import { PartnerCenterReferralSchema } from './referrals';

/**
 * GET /api/openapi.json — an OpenAPI 3.1 document generated from the zod schemas the routes validate and answer
 * with (z.toJSONSchema), so the document cannot drift from the code. The referral intake's request schema is the
 * one src/http/referrals.ts validates with; its answers and the notification routes, which have no exported
 * response schemas, are described here from their documented shape (issue 5).
 */

// --- Shapes of other modules' answers, as documented there (they build plain objects, not zod schemas).

const ReferralReceiptSchema = z.object({
  created: z.boolean(),
  dealId: z.string(),
  number: z.number().int(),
  referralId: z.string().nullable(),
  name: z.string(),
  status: z.string(),
  substatus: z.string(),
  locationId: z.string(),
  expiresDateTime: z.string().nullable(),
  createdDateTime: z.string(),
});

const ReferralErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.object({ en: z.string(), ja: z.string() }) })).optional(),
});

const NotificationStatusSchema = z.enum(['pending', 'delivered', 'failed', 'noEndpoint']);

const NotificationListSchema = z.object({
  items: z.array(z.object({ id: z.string(), dealId: z.string(), kind: z.string(), status: NotificationStatusSchema }).loose()),
});

const RETRY_ACCEPTED = z.object({ id: z.string(), status: z.literal('pending') });

// --- Components

type Json = Record<string, unknown>;

/** A field is required on input exactly when leaving it out fails to parse (preprocessed optionals included). */
function inputRequired(ctx: { zodSchema: z.core.$ZodType; jsonSchema: Json }): void {
  const def = (ctx.zodSchema as z.ZodType)._zod.def as { type: string; shape?: Record<string, z.ZodType> };
  if (def.type !== 'object' || !def.shape) return;
  const required = Object.entries(def.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
  if (required.length) ctx.jsonSchema.required = required;
  else delete ctx.jsonSchema.required;
}

function components(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    ...(io === 'input' ? { override: inputRequired } : {}),
  }) as { schemas: Record<string, Json> };
  for (const schema of Object.values(out.schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return out.schemas;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });

function errorResponses(statuses: number[]): Record<string, Json> {
  const described: Record<number, string> = {
    400: 'Bad JSON, a malformed JSON Patch document or a bad query parameter.',
    401: 'No or unknown bearer token.',
    403: 'Not allowed to this client (outside its scope, or admin only).',
    404: 'No such deal — or one this client may not see (never 403, so ids leak nothing).',
    409: 'The state machine refuses the move (already accepted, closed, stages out of order, …).',
    412: 'If-Match names an older version: someone changed the deal; GET it again.',
    413: 'Body larger than 256 KB.',
    415: 'Wrong Content-Type.',
    422: 'A field is invalid, unknown or immutable (location, solution), an unsupported op, or an unknown stage.',
    428: 'If-Match is missing.',
  };
  return Object.fromEntries(statuses.map((s) => [String(s), { description: described[s] ?? 'Error.', content: json('Error') }]));
}

function queryParameters(): Json[] {
  return Object.entries(ListQuerySchema.shape).map(([name, schema]) => {
    const jsonSchema = z.toJSONSchema(schema as z.ZodType, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
    delete jsonSchema.$schema;
    const description = typeof jsonSchema.description === 'string' ? jsonSchema.description : undefined;
    return { name, in: 'query', required: false, schema: jsonSchema, ...(description ? { description } : {}) };
  });
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'Deal id (or its short number).' };
const etagHeader = { ETag: { description: 'The deal version; send it as If-Match.', schema: { type: 'string' } } };
const ifMatch = { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: 'The ETag of the version the change is based on (428 without, 412 when stale).' };
const prefer = {
  name: 'Prefer',
  in: 'header',
  required: false,
  schema: { type: 'string', enum: ['return=representation', 'return=minimal'] },
  description: 'return=representation answers 200 with the deal; otherwise 204.',
};
const changed = {
  '200': { description: 'Changed; the deal (Prefer: return=representation).', headers: etagHeader, content: json('Deal') },
  '204': { description: 'Changed.', headers: etagHeader },
};

export function buildOpenApiDocument(opts: { serverUrl?: string } = {}): Json {
  const schemas = {
    ...components(
      {
        Deal: DealSchema,
        DealList: DealListSchema,
        Error: ErrorSchema,
        ReferralReceipt: ReferralReceiptSchema,
        ReferralError: ReferralErrorSchema,
        NotificationList: NotificationListSchema,
        NotificationRetry: RETRY_ACCEPTED,
      },
      'output',
    ),
    ...components({ JsonPatch: PatchDocumentSchema, RegistrationReview: RegistrationReviewSchema, Referral: PartnerCenterReferralSchema }, 'input'),
  };
  const dealsAuth = [{ apiClient: [] }];
  const referralsAuth = [{ referralsToken: [] }];
  return withServerErrors({
    openapi: '3.1.0',
    info: {
      title: 'cosell-bot API',
      version: '1.0.0',
      description:
        'Deals in the Partner Center referrals shape (R27), the referral intake (R26), the sender-notification outbox (R28) and the Teams bot endpoint (R25). ' +
        'Errors carry a stable code and a message in English and Japanese. HTTP-level codes: ' +
        Object.keys(API_ERRORS).join(', ') +
        '.',
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    components: {
      schemas,
      securitySchemes: {
        apiClient: { type: 'http', scheme: 'bearer', description: 'A token of an API_CLIENTS entry (role and scope per client).' },
        referralsToken: { type: 'http', scheme: 'bearer', description: 'A referral sender’s own token (REFERRAL_SENDERS), or the legacy REFERRALS_API_TOKEN. GET /api/notifications also takes an API_CLIENTS admin token (all senders), which alone may retry.' },
        botFramework: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Bot Framework token (not checked in local mode).' },
      },
    },
    paths: {
      '/api/deals': {
        get: {
          operationId: 'listDeals',
          summary: 'Deals this client may see, newest first, filtered and paged (keyset; stable under inserts).',
          security: dealsAuth,
          parameters: queryParameters(),
          responses: { '200': { description: 'A page of deals.', content: json('DealList') }, ...errorResponses([400, 401, 403]) },
        },
      },
      '/api/deals/{id}': {
        get: {
          operationId: 'getDeal',
          summary: 'One deal, with its ETag.',
          security: dealsAuth,
          parameters: [idParameter, { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The deal.', headers: etagHeader, content: json('Deal') },
            '304': { description: 'Not modified since the ETag in If-None-Match.' },
            ...errorResponses([401, 404]),
          },
        },
        patch: {
          operationId: 'patchDeal',
          summary:
            'Change a deal with JSON Patch (replace/add): details, team, sales stage (standard name, CRM name or percentage) and status moves (Active/Accepted, Closed/Won, Closed/Lost, Closed/Declined). All operations apply together or not at all.',
          security: dealsAuth,
          parameters: [idParameter, ifMatch, prefer],
          requestBody: {
            required: true,
            content: { 'application/json-patch+json': { schema: ref('JsonPatch') }, 'application/json': { schema: ref('JsonPatch') } },
          },
          responses: { ...changed, ...errorResponses([400, 401, 403, 404, 409, 412, 413, 415, 422, 428]) },
        },
      },
      '/api/deals/{id}/registration': {
        patch: {
          operationId: 'reviewRegistration',
          summary: 'Record the review outcome of a won deal’s registration (R23; admin clients).',
          security: dealsAuth,
          parameters: [idParameter, ifMatch, prefer],
          requestBody: { required: true, content: json('RegistrationReview') },
          responses: { ...changed, ...errorResponses([400, 401, 403, 404, 409, 412, 413, 415, 428]) },
        },
      },
      '/api/referrals': {
        post: {
          operationId: 'receiveReferral',
          summary: 'Referral intake (R26): idempotent on the sender’s referral id.',
          security: referralsAuth,
          requestBody: { required: true, content: json('Referral') },
          responses: {
            '200': { description: 'Already received: the existing deal.', content: json('ReferralReceipt') },
            '201': { description: 'Stored as a new referral.', content: json('ReferralReceipt') },
            '400': { description: 'Invalid referral; nothing stored.', content: json('ReferralError') },
            '401': { description: 'Missing or wrong token.', content: json('ReferralError') },
            '413': { description: 'Body larger than 256 KB.' },
            '503': { description: 'Intake disabled (neither REFERRAL_SENDERS nor REFERRALS_API_TOKEN is set).', content: json('ReferralError') },
          },
        },
      },
      '/api/notifications': {
        get: {
          operationId: 'listNotifications',
          summary: 'Sender notifications of the outbox (R28), e.g. the failed ones.',
          security: referralsAuth,
          parameters: [
            { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: NotificationStatusSchema.options } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } },
          ],
          responses: { '200': { description: 'Notifications.', content: json('NotificationList') }, '400': { description: 'Bad query.' }, '401': { description: 'Bad token.' } },
        },
      },
      '/api/notifications/{id}/retry': {
        post: {
          operationId: 'retryNotification',
          summary: 'Queue a failed notification again.',
          security: referralsAuth,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '202': { description: 'Queued.', content: json('NotificationRetry') },
            '401': { description: 'Bad token.' },
            '404': { description: 'No failed notification with that id.' },
          },
        },
      },
      '/api/partner-center/events': {
        post: {
          operationId: 'partnerCenterWebhook',
          summary: 'Partner Center webhooks (referral-created, referral-updated, …), signed by Microsoft (issue 13).',
          description:
            'The signature (Authorization: Signature …, X-MS-Certificate-Url on an allowed host, rsa-sha256 over the raw body, certificate of Microsoft Corporation chaining to a trusted root) is checked before anything is read. The referral named by ResourceUri is then read from PARTNER_CENTER_API_URL and applied by a job.',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['EventName', 'ResourceUri'], properties: { EventName: { type: 'string' }, ResourceUri: { type: 'string' }, ResourceName: { type: 'string' }, AuditUri: { type: 'string', nullable: true }, ResourceChangeUtcDate: { type: 'string' } } } } } },
          responses: {
            '202': { description: 'Verified; the referral will be read and applied.' },
            '401': { description: 'Missing or bad signature: nothing was read.', content: json('ServerError') },
            '404': { description: 'The Partner Center sync is not configured.', content: json('ServerError') },
            '413': { description: 'Body larger than 64 KB.', content: json('ServerError') },
          },
        },
      },
      '/api/partner-center/status': {
        get: {
          operationId: 'partnerCenterStatus',
          summary: 'How the Partner Center sync stands: changes waiting, failed pushes, last poll and webhook, referrals waiting for a location mapping.',
          security: [{ apiClient: [] }],
          responses: {
            '200': { description: 'The sync state (`configured: false` when no Partner Center sign-in is configured).' },
            '401': { description: 'No or unknown API client token.', content: json('ServerError') },
            '403': { description: 'The API client is not an admin.', content: json('ServerError') },
          },
        },
      },
      '/api/messages': {
        post: {
          operationId: 'botMessages',
          summary: 'Bot Framework endpoint (R25) for Microsoft Teams.',
          security: [{ botFramework: [] }, {}],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } } } },
          responses: {
            '200': { description: 'Handled (invoke answers carry a body).' },
            '400': { description: 'Not an activity.' },
            '401': { description: 'Missing, forged, expired or misdirected Bot Framework token (checked before the body is read).', content: json('ServerError') },
            '403': { description: 'Local mode: not a loopback caller.' },
            '413': { description: 'Body larger than 256 KB.', content: json('ServerError') },
            '415': { description: 'Not application/json (no forms, no multipart).', content: json('ServerError') },
            '503': { description: 'The Bot Framework signing keys could not be loaded; retry.', content: json('ServerError') },
          },
        },
      },
      '/charts/{file}': {
        get: {
          operationId: 'chart',
          summary: 'A chart of an insights card as PNG (issue 17). The signed link is the permission: no sign-in, no data without a valid, unexpired signature.',
          security: [],
          parameters: [{ name: 'file', in: 'path', required: true, description: '`<id>.<expiry>.<signature>.png`, as the card links it.', schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The chart.', content: { 'image/png': {} } },
            '403': { description: 'Not a validly signed chart link.', content: json('ServerError') },
            '410': { description: 'The link expired (CHART_LINK_MINUTES).', content: json('ServerError') },
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Liveness and database check.',
          security: [],
          responses: { '200': { description: 'OK.' }, '503': { description: 'Database unavailable.' } },
        },
      },
      '/exports/{file}': {
        get: {
          operationId: 'exportDownload',
          summary: 'Issue 17: an export of deals (`export` in a Teams channel or group chat), by its short-lived signed link.',
          description: 'The link is signed (HMAC, EXPORT_LINK_SECRET) and valid for EXPORT_LINK_MINUTES. The file holds the deals its requester may see at the moment of the download; every download is audited.',
          security: [],
          parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' }, description: '<signed id>.xlsx or <signed id>.csv' }],
          responses: {
            '200': {
              description: 'The file (.xlsx, or .csv in UTF-8 with a BOM), as an attachment.',
              content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {}, 'text/csv': {} },
            },
            '403': { description: 'EXPORT_NO_SCOPE: the requester no longer has a location in their scope.', content: json('ServerError') },
            '404': { description: 'EXPORT_NOT_FOUND: not a link this service signed (altered, unsigned, wrong format); nothing was read.', content: json('ServerError') },
            '410': { description: 'EXPORT_EXPIRED: a genuine link past its time.', content: json('ServerError') },
          },
        },
      },
      '/api/openapi.json': {
        get: { operationId: 'openapi', summary: 'This document.', security: [], responses: { '200': { description: 'OpenAPI 3.1 document.' } } },
      },
    },
  });
}

const ServerErrorSchema = z.object({
  code: z.string().describe('INTERNAL_ERROR, or for /api/messages and unknown routes the refusal (BOT_UNAUTHORIZED, UNSUPPORTED_MEDIA_TYPE, …).'),
  message: z.object({ en: z.string(), ja: z.string() }),
  requestId: z.string().describe('Also in the x-request-id header of every answer; the server log has the details under it.'),
});

/** Every operation can fail on the server's side; that answer has one shape everywhere (src/http/server.ts). */
function withServerErrors(doc: Json): Json {
  const components = doc.components as { schemas: Record<string, Json> };
  components.schemas.ServerError = components.schemas.ServerError ?? (z.toJSONSchema(ServerErrorSchema, { target: 'draft-2020-12' }) as Json);
  delete components.schemas.ServerError.$schema;
  for (const operations of Object.values(doc.paths as Record<string, Record<string, { responses: Record<string, Json> }>>)) {
    for (const op of Object.values(operations)) {
      op.responses['500'] ??= { description: 'The server failed; nothing to fix in the request. Quote the requestId.', content: json('ServerError') };
    }
  }
  return doc;
}

export function registerOpenApi(server: Server, opts: { publicBaseUrl?: string } = {}): void {
  // Built once: the schemas do not change while the process runs.
  const document = buildOpenApiDocument({ serverUrl: opts.publicBaseUrl });
  server.get('/api/openapi.json', async (_req: Request, res: Response) => {
    res.status(200);
    res.json(document);
  });
}
