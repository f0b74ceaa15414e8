import { DEFAULT_ASSESSMENT_TYPES } from './vocabulary';

/** What the machine needs to know besides the deal, the command and the actor: the time and the configuration. */

export interface DomainConfig {
  /** R10: the selectable assessment types. */
  assessmentTypes: readonly string[];
  /** R23: assessment types / solution ids (or names) whose Won deals ask for registration. */
  registrationEligible: readonly string[];
  /** R17: days a referral waits for an answer. */
  responseDays: number;
  /** R8: the currencies offered for a value (ISO 4217; the default first). */
  currencies: readonly string[];
}

export const DEFAULT_DOMAIN_CONFIG: DomainConfig = {
  assessmentTypes: DEFAULT_ASSESSMENT_TYPES,
  registrationEligible: DEFAULT_ASSESSMENT_TYPES,
  responseDays: 14,
  currencies: ['JPY', 'USD', 'EUR'],
};

export interface Context {
  now: Date;
  /** Today's date (YYYY-MM-DD) in the actor's time zone; defaults to the UTC date of `now`. */
  today?: string;
  /** The actor's IANA time zone, for what is shown to them (cards); decisions never depend on it. */
  timeZone?: string;
  config: DomainConfig;
  /** The version the actor saw (card or ETag). A different current version is refused as STALE_VERSION. */
  expectedVersion?: number;
}

export const todayOf = (ctx: Pick<Context, 'now' | 'today'>): string => ctx.today ?? ctx.now.toISOString().slice(0, 10);
