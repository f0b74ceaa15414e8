import { isTimeZone } from './readerFormat';
import { z } from 'zod';
import type { DomainEvent } from './decision';
import type { AdminRefusal } from './adminRefusals';
import { normalizeGrant, type RoleGrant, type RoleHolder } from './permissions';
import type { Person } from './records';

/** Administration (R1) as data: the shapes of location input, the outcome of an admin change, its audit event. */

export const LocationIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash or underscore; at most 64');
export const LocationNameSchema = z.string().trim().min(1).max(200);
export const LocationCountrySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO 3166 country code')
  .transform((s) => s.toUpperCase());

export const LocationInputSchema = z.object({
  id: LocationIdSchema,
  name: LocationNameSchema,
  country: LocationCountrySchema.optional(),
  /** IANA zone for the location's shared cards and day counts (default: Asia/Tokyo for JP, UTC otherwise). */
  timeZone: z.string().trim().refine(isTimeZone, { error: 'invalid' }).optional(),
});
export type LocationInput = z.infer<typeof LocationInputSchema>;

/** The zones the admin card offers for a location (any IANA zone can be set in LOCATIONS_FILE). */
export const OFFERED_TIME_ZONES = [
  'Asia/Tokyo', 'Asia/Seoul', 'Asia/Shanghai', 'Asia/Taipei', 'Asia/Hong_Kong', 'Asia/Singapore', 'Asia/Bangkok', 'Asia/Jakarta',
  'Asia/Kolkata', 'Asia/Dubai', 'Australia/Sydney', 'Australia/Perth', 'Pacific/Auckland', 'Europe/London', 'Europe/Paris',
  'Europe/Berlin', 'Europe/Madrid', 'Europe/Stockholm', 'America/New_York', 'America/Chicago', 'America/Denver',
  'America/Los_Angeles', 'America/Toronto', 'America/Sao_Paulo', 'America/Mexico_City', 'UTC',
] as const;

export interface LocationSummary {
  id: string;
  name: string;
  country: string | null;
  /** The location's IANA zone as set (LOCATIONS_FILE or the admin card), or null: Asia/Tokyo for JP, UTC otherwise. */
  timeZone: string | null;
  deals: number;
  people: number;
}

export interface RoleChange {
  user: Person;
  before: RoleGrant;
  after: RoleGrant;
  changed: boolean;
}

export type AdminFailure =
  | { kind: 'refused'; refusal: AdminRefusal }
  | { kind: 'unknownLocation'; id: string }
  | { kind: 'unknownPerson' };
export type AdminResult<T> = { ok: true; value: T } | { ok: false; failure: AdminFailure };

export const adminOk = <T>(value: T): AdminResult<T> => ({ ok: true, value });
export const adminFailed = <T = never>(failure: AdminFailure): AdminResult<T> => ({ ok: false, failure });
export const adminRefused = <T = never>(refusal: AdminRefusal): AdminResult<T> => adminFailed<T>({ kind: 'refused', refusal });

export type AdminEventType = 'LocationAdded' | 'LocationRenamed' | 'LocationZoneSet' | 'LocationRemoved' | 'RoleChanged' | 'AdminBootstrapped' | 'PartnerCenterLocationMapped';

/** Audit rows share the deal events' table and writer; the deal machine's event union does not list these. */
export function adminEvent(type: AdminEventType, data: Record<string, unknown>): DomainEvent {
  return { type, data } as unknown as DomainEvent;
}

export function holderOf(person: Person): RoleHolder {
  return { id: person.id, name: person.name, role: person.role, scope: { global: person.globalScope, locations: [...person.locationIds].sort() } };
}

export function grantOf(person: Person): RoleGrant {
  return normalizeGrant({ role: person.role, scope: holderOf(person).scope });
}

