import type { DealRecord } from './records';
import { dayIn, isTimeZone } from './readerFormat';

/**
 * Issue 17: the daily digest — what needs attention in one location, pushed to its team on weekday mornings. When it
 * is due is decided here, in the location's own time zone; what it says is read by the deal queries.
 */

/** DIGEST_AT: a time of day (24-hour) in each location's zone. */
export interface DigestTime {
  hour: number;
  minute: number;
}

export interface DigestSchedule {
  /** The location's local date (YYYY-MM-DD) at `now`: the key of that day's digest. */
  day: string;
  /** A weekday (Monday to Friday) at or after the digest time, local. */
  due: boolean;
}

const clocks = new Map<string, Intl.DateTimeFormat>();
function clockIn(zone: string): Intl.DateTimeFormat {
  const timeZone = isTimeZone(zone) ? zone : 'UTC';
  let f = clocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clocks.set(timeZone, f);
  }
  return f;
}

const WEEKEND = new Set(['Sat', 'Sun']);

/** Whether the digest of a location in `zone` is due at `now` (weekdays from `at` until the local day ends). */
export function digestSchedule(now: Date, zone: string, at: DigestTime): DigestSchedule {
  const parts = Object.fromEntries(clockIn(zone).formatToParts(now).map((p) => [p.type, p.value]));
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  const due = !WEEKEND.has(parts.weekday ?? '') && minutes >= at.hour * 60 + at.minute;
  return { day: dayIn(now, zone), due };
}

/** One category of the digest: the first few items, and how many there are in all. */
export interface DigestList<T> {
  items: T[];
  total: number;
}

/** What needs attention in one location (each list soonest or oldest first). */
export interface LocationDigest {
  locationId: string;
  locationName: string;
  /** The location's zone: days left and dates are counted in it. */
  timeZone: string;
  /** The local date the digest speaks of. */
  day: string;
  /** Referrals waiting for an answer, the one that expires soonest first, with whole days left in the location's zone. */
  referrals: DigestList<{ deal: DealRecord; daysLeft: number }>;
  /** Active deals whose estimated close date is before the day. */
  overdue: DigestList<DealRecord>;
  /** Active deals whose sales stage has not changed since `since` (STALE_DAYS or more), oldest first. */
  stale: DigestList<{ deal: DealRecord; since: Date }>;
  /** Deal registrations submitted and waiting for review. */
  registrations: DigestList<DealRecord>;
  /** Deals whose changes could not be sent to Partner Center. */
  syncFailures: DigestList<DealRecord>;
}

export const DIGEST_CATEGORIES = ['referrals', 'overdue', 'stale', 'registrations', 'syncFailures'] as const;

/** Nothing to say: no post. */
export function isEmptyDigest(digest: LocationDigest): boolean {
  return DIGEST_CATEGORIES.every((c) => digest[c].total === 0);
}
