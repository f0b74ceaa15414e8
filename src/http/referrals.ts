import { createHash, timingSafeEqual } from 'node:crypto';
import type { Next, Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Config } from '../config';
import {
  AmountSchema,
  CountrySchema,
  CurrencySchema,
  DateOrDateTimeSchema,
  DateTimeSchema as SharedDateTimeSchema,
  DealTypeSchema,
  DunsSchema,
  EmailSchema,
  PhoneSchema,
  SolutionSchema,
  fieldError,
  fieldErrorsOf,
  optionalText,
  requiredText,
  type DealRecord,
  type FieldError,
  type IncomingReferral,
} from '../domain';
import type { Logger } from '../log';
import { callbackHostAllowed, idempotencyScope, referralSendersOf, senderForToken, type ReferralSender } from '../referralSenders';
import { parseCallbackUrl, resolveTarget, systemResolve, type Resolve, type TargetPolicy } from '../services/callbackTarget';
import type { DealCommands } from '../services/dealCommands';
import { bearerToken } from './apiAuth';
import { jsonBodyParser } from './jsonBody';

/**
 * R26: POST /api/referrals — a referral in the Partner Center referral shape. Bearer-token protected (constant-time
 * compare), validated with zod (400 with a list of field errors, nothing stored), at most 256 KB (413), idempotent
 * on (sender, referral id): 201 with the new deal, 200 with the existing one on a repeat.
 */

export const MAX_REFERRAL_BYTES = 256 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// The request shape

const e = (key: string) => ({ error: key });

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v), schema.optional());

/**
 * Callbacks go to https; plain http only to this machine (local development and tests), no credentials in the URL.
 * Where the host may point is checked after parsing, for the authenticated sender (senderErrors).
 */
const CallbackUrlSchema = z
  .string(e('invalidUrl'))
  .trim()
  .max(2000, { error: 'tooLong' })
  .refine((v) => parseCallbackUrl(v) !== null, e('invalidUrl'));

/** ISO 8601 with a time (`2026-11-29T09:00:00Z`). */
// Not after tomorrow: a referral was created before it was sent (and its expiry must stay a valid date).
const DateTimeSchema = SharedDateTimeSchema.refine((d) => d.getTime() <= Date.now() + 86_400_000, { error: 'dateInFuture' });

/** A date, or a date-time whose UTC date is taken (Partner Center sends `closingDateTime`). */
const ClosingDateSchema = DateOrDateTimeSchema;

/** A JSON boolean: missing is "required", anything else ("yes", 1) is "invalid". */
const Flag = z.boolean({ error: (issue) => (issue.input === undefined ? 'required' : 'invalid') });

const AddressSchema = z.object({
  addressLine1: optionalText(200),
  city: optionalText(100),
  state: optionalText(100),
  postalCode: optionalText(20),
  country: CountrySchema,
});

const ContactPersonSchema = z.object({
  firstName: requiredText(100),
  lastName: requiredText(100),
  phoneNumber: optional(PhoneSchema),
  email: optional(EmailSchema),
});

export const PartnerCenterReferralSchema = z
  .object({
    id: requiredText(100),
    name: requiredText(200),
    createdDateTime: DateTimeSchema,
    customerProfile: z.object({
      name: requiredText(200),
      address: AddressSchema,
      ids: z.object({ duns: optional(DunsSchema) }).optional(),
      team: z.array(ContactPersonSchema).max(10, { error: 'tooMany' }).default([]),
    }),
    consent: z.object({ consentToShareInfoWithOthers: Flag, consentToContact: Flag }),
    details: z.object({
      dealValue: AmountSchema,
      currency: CurrencySchema,
      closingDateTime: ClosingDateSchema,
      notes: optionalText(4000),
      requirements: z.object({ solutions: z.array(SolutionSchema).max(20, { error: 'tooMany' }).default([]) }).default({ solutions: [] }),
    }),
    inviteContext: z
      .object({
        notes: optionalText(4000),
        invitedBy: z.object({ organizationId: optionalText(100), organizationName: optionalText(200) }).optional(),
      })
      .optional(),
    /** Our MPN location the referral is for. */
    targetLocation: requiredText(100),
    dealType: z.enum(DealTypeSchema.options, { error: (issue) => (issue.input === undefined ? 'required' : 'invalidChoice') }),
    /** The assessment type of a solution assessment referral (R10). */
    assessmentType: optionalText(100),
    sender: z.object({
      type: z.enum(['microsoft', 'partner'], { error: (issue) => (issue.input === undefined ? 'required' : 'invalidChoice') }),
      name: requiredText(200),
      email: optional(EmailSchema),
      callbackUrl: optional(CallbackUrlSchema),
    }),
  })
  .superRefine((r, ctx) => {
    if (r.dealType === 'solutionAssessment' && !r.assessmentType) {
      ctx.addIssue({ code: 'custom', path: ['assessmentType'], message: 'required' });
    }
  });
export type PartnerCenterReferral = z.output<typeof PartnerCenterReferralSchema>;

/** The Partner Center shape → what the store receives. */
export function toIncomingReferral(r: PartnerCenterReferral, from: ReferralSender): IncomingReferral {
  const contact = r.customerProfile.team[0];
  const orgId = from.organizationId ?? r.inviteContext?.invitedBy?.organizationId;
  return {
    deal: {
      dealType: r.dealType,
      name: r.name,
      locationId: r.targetLocation,
      value: r.details.dealValue,
      currency: r.details.currency,
      closeDate: r.details.closingDateTime,
      assessmentType: r.assessmentType,
      solutions: r.details.requirements.solutions,
      createdAt: r.createdDateTime,
    },
    customer: { ...r.customerProfile.address, name: r.customerProfile.name, duns: r.customerProfile.ids?.duns ?? null },
    contact: contact
      ? { name: `${contact.firstName} ${contact.lastName}`, phone: contact.phoneNumber ?? null, email: contact.email ?? null }
      : null,
    consent: r.consent,
    notes: r.details.notes ?? null,
    inviteNotes: r.inviteContext?.notes ?? null,
    sender: {
      // Idempotency is per authenticated sender; only the legacy shared token keeps its old key from the body.
      key: idempotencyScope(from, r.sender.type === 'microsoft' ? 'microsoft' : `partner:${orgId}`),
      account: from.name,
      referralId: r.id,
      type: r.sender.type,
      name: r.sender.name,
      email: r.sender.email ?? null,
      organizationId: orgId ?? null,
      organizationName: r.inviteContext?.invitedBy?.organizationName ?? null,
      callbackUrl: r.sender.callbackUrl ?? null,
    },
  };
}

/** Domain field names → where the sender wrote them. */
const API_FIELD: Record<string, string> = {
  dealType: 'dealType',
  name: 'name',
  locationId: 'targetLocation',
  value: 'details.dealValue',
  currency: 'details.currency',
  closeDate: 'details.closingDateTime',
  assessmentType: 'assessmentType',
  solutions: 'details.requirements.solutions',
  createdAt: 'createdDateTime',
};

const asApiErrors = (errors: readonly FieldError[]) =>
  errors.map((x) => ({ field: API_FIELD[x.field] ?? x.field, code: x.code, message: x.message }));

// ---------------------------------------------------------------------------------------------------------------
// Auth and responses

function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.json(body);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares digests, so neither the token's content nor its length leaks through timing. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

const SENDER_REFUSALS = {
  intake_disabled: {
    en: 'Referral intake is off: configure REFERRAL_SENDERS (or the legacy REFERRALS_API_TOKEN).',
    ja: '紹介の受け付けは無効です。REFERRAL_SENDERS (または従来の REFERRALS_API_TOKEN) を設定してください。',
  },
  unauthorized: {
    en: 'Send your sender token: Authorization: Bearer <token>.',
    ja: '送信元トークンを送信してください: Authorization: Bearer <token>。',
  },
} as const;

export function sendSenderRefusal(res: Response, status: 401 | 503, error: keyof typeof SENDER_REFUSALS): void {
  if (status === 401) res.header('WWW-Authenticate', 'Bearer realm="cosell-bot"');
  sendJson(res, status, { error, message: SENDER_REFUSALS[error].en, messages: SENDER_REFUSALS[error] });
}

const senders = new WeakMap<Request, ReferralSender>();

/** The sender authenticated for this request (after senderAuth). */
export function senderOf(req: Request): ReferralSender {
  const sender = senders.get(req);
  if (!sender) throw new Error('senderOf: the route has no senderAuth');
  return sender;
}

/**
 * `Authorization: Bearer <token>` of one of the referral senders (REFERRAL_SENDERS, or the legacy
 * REFERRALS_API_TOKEN); 401 otherwise, 503 when no sender is configured (intake off).
 */
export function senderAuth(all: readonly ReferralSender[], logger: Logger) {
  return (req: Request, res: Response, next: Next) => {
    if (all.length === 0) {
      sendSenderRefusal(res, 503, 'intake_disabled');
      return next(false);
    }
    const token = bearerToken(req.headers.authorization);
    const sender = token ? senderForToken(all, token) : null;
    if (!sender) {
      logger.warn({ path: req.path(), remoteAddress: req.socket.remoteAddress, hadHeader: !!req.headers.authorization }, 'referrals API: bad or missing token');
      sendSenderRefusal(res, 401, 'unauthorized');
      return next(false);
    }
    senders.set(req, sender);
    return next();
  };
}

/** How long intake waits for DNS when it checks a callback host (the outbox checks again at every attempt). */
const INTAKE_RESOLVE_MS = 2_000;

const withTimeout = (resolve: Resolve, ms: number): Resolve => (host) =>
  Promise.race([resolve(host), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('DNS timeout')), ms).unref())]);

/**
 * What the authenticated sender may say (issue 15): its callback host must be in its list and must not be a private
 * address (an unresolvable host is left to the outbox, which checks at every attempt), and a configured sender's
 * organisation is its own. A legacy sender names its organisation in the body, as before.
 */
async function senderErrors(r: PartnerCenterReferral, sender: ReferralSender, policy: TargetPolicy): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const orgId = r.inviteContext?.invitedBy?.organizationId;
  if (sender.organizationId === null) {
    // A partner is told apart from other partners by its organisation id (the legacy idempotency key is type + id).
    if (r.sender.type === 'partner' && !orgId) errors.push(fieldError('inviteContext.invitedBy.organizationId', 'required'));
  } else if (orgId && orgId !== sender.organizationId) {
    errors.push(fieldError('inviteContext.invitedBy.organizationId', 'senderMismatch'));
  }
  if (r.sender.callbackUrl) {
    const target = await resolveTarget(r.sender.callbackUrl, policy, (host) => callbackHostAllowed(sender, host));
    if (!target.ok && target.refusal === 'hostNotAllowed') errors.push(fieldError('sender.callbackUrl', 'callbackHostNotAllowed'));
    if (!target.ok && target.refusal === 'privateAddress') errors.push(fieldError('sender.callbackUrl', 'callbackPrivateAddress'));
    if (!target.ok && target.refusal === 'badUrl') errors.push(fieldError('sender.callbackUrl', 'invalidUrl'));
  }
  return errors;
}

export function referralView(deal: DealRecord, created: boolean) {
  return {
    created,
    dealId: deal.id,
    number: deal.number,
    referralId: deal.sender?.referralId ?? null,
    name: deal.name,
    status: deal.status,
    substatus: deal.substatus,
    locationId: deal.locationId,
    expiresDateTime: deal.expiresAt?.toISOString() ?? null,
    createdDateTime: deal.createdAt.toISOString(),
  };
}

const BODY_REFUSALS = {
  tooLarge: [413, { error: 'payload_too_large', message: `The referral is larger than ${MAX_REFERRAL_BYTES / 1024} KB.` }],
  mediaType: [415, { error: 'unsupported_media_type', message: 'Send the referral as application/json.' }],
  badJson: [400, { error: 'invalid_json', message: 'The body is not valid JSON.' }],
} as const;

function refuseBody(res: Response, refusal: { reason: keyof typeof BODY_REFUSALS }): void {
  const [status, body] = BODY_REFUSALS[refusal.reason];
  sendJson(res, status, body);
}

export interface ReferralRouteDeps {
  config: Config;
  logger: Logger;
  commands: Pick<DealCommands, 'receive'>;
  /** DNS for the intake's callback check (tests give their own). */
  resolve?: Resolve;
}

/** R14: stored and answered at once; the card is posted by a job after the commit (never inside this request). */
export function registerReferralRoutes(server: Server, deps: ReferralRouteDeps): void {
  const { config, logger, commands } = deps;
  const policy: TargetPolicy = { allowPrivate: config.CALLBACK_ALLOW_PRIVATE, resolve: withTimeout(deps.resolve ?? systemResolve, INTAKE_RESOLVE_MS) };
  // JSON only (restify's bodyParser would also take multipart uploads into the temp directory).
  const body = jsonBodyParser({ maxBytes: MAX_REFERRAL_BYTES, mediaTypes: ['application/json'], refuse: refuseBody });

  server.post('/api/referrals', senderAuth(referralSendersOf(config), logger), body, async (req: Request, res: Response) => {
    const sender = senderOf(req);
    const parsed = PartnerCenterReferralSchema.safeParse(req.body);
    const errors = parsed.success ? await senderErrors(parsed.data, sender, policy) : fieldErrorsOf(parsed.error);
    if (!parsed.success || errors.length) {
      sendJson(res, 400, { error: 'invalid_referral', message: 'Some fields need fixing; nothing was stored.', errors: asApiErrors(errors) });
      return;
    }
    const result = await commands.receive(toIncomingReferral(parsed.data, sender));
    if (!result.ok) {
      sendJson(res, 400, { error: 'invalid_referral', message: result.refusal.message.en, errors: asApiErrors(result.refusal.fieldErrors) });
      return;
    }
    const { deal, created } = result.value;
    logger.info({ dealId: deal.id, referralId: parsed.data.id, sender: sender.name, created }, 'referral received');
    res.header('Location', `/api/deals/${deal.id}`);
    sendJson(res, created ? 201 : 200, referralView(deal, created));
  });
}
