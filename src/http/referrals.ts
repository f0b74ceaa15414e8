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
  fieldErrorsOf,
  optionalText,
  requiredText,
  type DealRecord,
  type FieldError,
  type IncomingReferral,
} from '../domain';
import type { Logger } from '../log';
import type { DealCommands } from '../services/dealCommands';
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

const isLoopbackHost = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** Callbacks go to https; plain http only to this machine (local development and tests). */
const CallbackUrlSchema = z
  .string(e('invalidUrl'))
  .trim()
  .max(2000, { error: 'tooLong' })
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
    } catch {
      return false;
    }
  }, e('invalidUrl'));

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
    // A partner is told apart from other partners by its organisation id (the idempotency key is sender + id).
    if (r.sender.type === 'partner' && !r.inviteContext?.invitedBy?.organizationId) {
      ctx.addIssue({ code: 'custom', path: ['inviteContext', 'invitedBy', 'organizationId'], message: 'required' });
    }
    if (r.dealType === 'solutionAssessment' && !r.assessmentType) {
      ctx.addIssue({ code: 'custom', path: ['assessmentType'], message: 'required' });
    }
  });
export type PartnerCenterReferral = z.output<typeof PartnerCenterReferralSchema>;

/** The Partner Center shape → what the store receives. */
export function toIncomingReferral(r: PartnerCenterReferral): IncomingReferral {
  const contact = r.customerProfile.team[0];
  const orgId = r.inviteContext?.invitedBy?.organizationId;
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
      key: r.sender.type === 'microsoft' ? 'microsoft' : `partner:${orgId}`,
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

/** `Authorization: Bearer <REFERRALS_API_TOKEN>`; 401 otherwise, 503 when no token is configured (intake off). */
export function bearerToken(config: Pick<Config, 'REFERRALS_API_TOKEN'>, logger: Logger) {
  return (req: Request, res: Response, next: Next) => {
    const expected = config.REFERRALS_API_TOKEN;
    if (!expected) {
      sendJson(res, 503, { error: 'intake_disabled', message: 'Set REFERRALS_API_TOKEN to enable the referrals API.' });
      return next(false);
    }
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m || !tokenMatches(m[1] as string, expected)) {
      logger.warn({ path: req.path(), remoteAddress: req.socket.remoteAddress, hadHeader: header !== '' }, 'referrals API: bad or missing token');
      res.header('WWW-Authenticate', 'Bearer realm="cosell-bot"');
      sendJson(res, 401, { error: 'unauthorized', message: 'Send Authorization: Bearer <REFERRALS_API_TOKEN>.' });
      return next(false);
    }
    return next();
  };
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
}

/** R14: stored and answered at once; the card is posted by a job after the commit (never inside this request). */
export function registerReferralRoutes(server: Server, deps: ReferralRouteDeps): void {
  const { config, logger, commands } = deps;
  // JSON only (restify's bodyParser would also take multipart uploads into the temp directory).
  const body = jsonBodyParser({ maxBytes: MAX_REFERRAL_BYTES, mediaTypes: ['application/json'], refuse: refuseBody });

  server.post('/api/referrals', bearerToken(config, logger), body, async (req: Request, res: Response) => {
    const parsed = PartnerCenterReferralSchema.safeParse(req.body);
    if (!parsed.success) {
      sendJson(res, 400, { error: 'invalid_referral', message: 'Some fields need fixing; nothing was stored.', errors: asApiErrors(fieldErrorsOf(parsed.error)) });
      return;
    }
    const result = await commands.receive(toIncomingReferral(parsed.data));
    if (!result.ok) {
      sendJson(res, 400, { error: 'invalid_referral', message: result.refusal.message.en, errors: asApiErrors(result.refusal.fieldErrors) });
      return;
    }
    const { deal, created } = result.value;
    logger.info({ dealId: deal.id, referralId: parsed.data.id, created }, 'referral received');
    res.header('Location', `/api/deals/${deal.id}`);
    sendJson(res, created ? 201 : 200, referralView(deal, created));
  });
}
