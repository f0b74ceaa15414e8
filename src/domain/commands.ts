import { z } from 'zod';
import {
  AmountSchema,
  CurrencySchema,
  DateSchema,
  EmailSchema,
  PhoneSchema,
  TeamMemberSchema,
  cleanString,
  optionalText,
  requiredText,
} from './fields';
import { CloseReasonSchema, DealTypeSchema, ReviewOutcomeSchema, StageSchema } from './vocabulary';

/** zod schemas of every command's input; the TypeScript types are derived from them. */

const e = (key: string) => ({ error: key });

/** Cards submit booleans as "true"/"false" strings. */
export const Boolish = z.preprocess((v) => (v === 'true' ? true : v === 'false' || v === '' ? false : v), z.boolean(e('invalid')));

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v), schema.optional());

/** Optional on edit: undefined = unchanged, '' or null = cleared; anything else must pass `schema`. */
const clearable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullable().optional());

const clearableText = (max: number) => clearable(cleanString().trim().max(max, { error: 'tooLong' }));

/** R7: the longest contact name and note for the Microsoft specialist, in the wizard and on Edit alike. */
const CONTACT_NAME_MAX = 100;
const SPECIALIST_NOTE_MAX = 2000;

export const SolutionSchema = z.object({ id: requiredText(100), name: requiredText(200) });

export const ContactSchema = z.object({
  name: optionalText(CONTACT_NAME_MAX),
  phone: optional(PhoneSchema),
  email: optional(EmailSchema),
  /** R7: the user confirmed the customer consented to sharing contact details with Microsoft. */
  consent: Boolish.default(false),
  /** R7: asking for Microsoft seller help makes the contact required. */
  askMicrosoftHelp: Boolish.default(false),
});
export type ContactInput = z.infer<typeof ContactSchema>;

export const TeamSchema = z.array(TeamMemberSchema).max(50, { error: 'tooMany' });

/** R8–R11: everything the wizard collects. Config-dependent rules (assessment list, dates) are checked in decide. */
export const CreateDealSchema = z.object({
  dealType: z.enum(DealTypeSchema.options, { error: (issue) => (issue.input === undefined ? 'required' : 'invalidChoice') }),
  customerId: requiredText(64),
  contact: ContactSchema.default({ consent: false, askMicrosoftHelp: false }),
  specialistNote: optionalText(SPECIALIST_NOTE_MAX),
  name: requiredText(200),
  locationId: requiredText(100),
  value: AmountSchema,
  currency: CurrencySchema,
  closeDate: DateSchema,
  crmId: optionalText(100),
  campaignId: optionalText(100),
  notes: requiredText(4000),
  team: TeamSchema.min(1, { error: 'atLeastOne' }),
  assessmentType: optionalText(100),
  assessmentLocation: optionalText(200),
  solutions: z.array(SolutionSchema).max(20, { error: 'tooMany' }).default([]),
  /** R11: the final consent checkbox (checked by crossFieldErrors: unticked and missing read the same). */
  consent: Boolish.default(false),
});
export type CreateDealInput = z.input<typeof CreateDealSchema>;
export type CreateDeal = z.output<typeof CreateDealSchema>;

/** R14: a referral as the domain needs it (the intake API maps the Partner Center shape onto this). */
export const ReceiveReferralSchema = z.object({
  dealType: DealTypeSchema,
  name: requiredText(200),
  locationId: requiredText(100),
  value: AmountSchema,
  currency: CurrencySchema,
  closeDate: DateSchema,
  assessmentType: optionalText(100),
  solutions: z.array(SolutionSchema).max(20, { error: 'tooMany' }).default([]),
  createdAt: z.date(),
  /** Partner Center's own expiry (issue 13): wins over the configured response window. */
  expiresAt: z.date().optional(),
});
export type ReceiveReferral = z.output<typeof ReceiveReferralSchema>;

/** R15 */
export const AcceptSchema = z.object({
  name: requiredText(200),
  value: AmountSchema,
  currency: optional(CurrencySchema),
  closeDate: DateSchema,
  notes: requiredText(4000),
  crmId: optionalText(100),
  campaignId: optionalText(100),
  team: TeamSchema.default([]),
});
export type Accept = z.output<typeof AcceptSchema>;

/** R16 */
export const DeclineSchema = z.object({
  reason: CloseReasonSchema,
  message: optionalText(1000),
});
export type Decline = z.output<typeof DeclineSchema>;

/**
 * R19: only these fields; a note is appended to the history, never overwriting. Issue 14 §3: the R7 contact (the
 * wizard's own field rules) and the note for the Microsoft specialist, each clearable; R7's rules on the contact as a
 * whole are the transition's (applyEdit).
 */
export const EditSchema = z.object({
  name: optional(requiredText(200)),
  closeDate: optional(DateSchema),
  value: optional(AmountSchema),
  currency: optional(CurrencySchema),
  crmId: clearableText(100),
  campaignId: clearableText(100),
  note: optionalText(4000),
  contactName: clearableText(CONTACT_NAME_MAX),
  contactPhone: clearable(PhoneSchema),
  contactEmail: clearable(EmailSchema),
  contactConsent: Boolish.optional(),
  specialistNote: clearableText(SPECIALIST_NOTE_MAX),
});
export type Edit = z.output<typeof EditSchema>;

export const SetTeamSchema = z.object({ team: TeamSchema.min(1, { error: 'atLeastOne' }) });
export type SetTeam = z.output<typeof SetTeamSchema>;

export const StageInputSchema = z.object({ stage: StageSchema });
export type StageInput = z.output<typeof StageInputSchema>;

export const LoseSchema = z.object({
  reason: CloseReasonSchema,
  note: optionalText(1000),
});
export type Lose = z.output<typeof LoseSchema>;

/** R23 */
export const RegisterSchema = z
  .object({
    contractValue: AmountSchema,
    currency: CurrencySchema,
    contractSignedDate: DateSchema,
    contractStartDate: DateSchema,
    contractEndDate: DateSchema,
    deployedOnAzure: Boolish,
    marketplaceTransaction: Boolish,
    notes: optionalText(4000),
  })
  .refine((r) => r.contractEndDate >= r.contractStartDate, { error: 'endBeforeStart', path: ['contractEndDate'] });
export type Register = z.output<typeof RegisterSchema>;

export const ReviewSchema = z.object({
  outcome: ReviewOutcomeSchema,
  note: optionalText(1000),
});
export type Review = z.output<typeof ReviewSchema>;

export const EmptySchema = z.object({}).loose();
