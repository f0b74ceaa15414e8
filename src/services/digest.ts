import { defaultZoneFor, digestSchedule, type DigestTime, type LocationRecord } from '../domain';
import type { Logger } from '../log';
import type { DigestStore } from '../store/digest';
import { postDailyDigest } from './followUps';
import { PeriodicJob } from './periodic';

/**
 * Issue 17: the daily digest's clock. Every interval it looks at each location's own time (its zone, else Asia/Tokyo
 * for JP and UTC elsewhere): on a weekday at or after DIGEST_AT, the location's day is taken and the job that posts its
 * digest written, in one transaction (src/store/digest.ts) — so with several instances, and across restarts, each
 * location gets one digest a day: a restart after the hour posts it late rather than never, and never twice. The post
 * itself is a job run by the worker (bot/digest.ts). The clock is injected: tests move it, nobody waits.
 */

export interface DigestSchedulerDeps {
  locations: () => Promise<LocationRecord[]>;
  store: DigestStore;
  /** DIGEST_AT; null = off. */
  at: DigestTime | null;
  /** Wakes the job worker after a digest job was written. */
  kick: () => void;
  logger: Logger;
  clock?: () => Date;
}

export class DigestScheduler {
  private readonly clock: () => Date;

  constructor(private readonly deps: DigestSchedulerDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Takes the day of every location whose digest is due at `now` and not yet taken; returns those location ids. */
  async runOnce(now = this.clock()): Promise<string[]> {
    const at = this.deps.at;
    if (!at) return [];
    const due = (await this.deps.locations())
      .map((l) => ({ locationId: l.id, ...digestSchedule(now, l.timeZone ?? defaultZoneFor(l.country), at) }))
      .filter((d) => d.due);
    const taken = await this.deps.store.taken(due);
    const claimed: string[] = [];
    for (const d of due) {
      if (taken.has(`${d.locationId}|${d.day}`)) continue;
      if (await this.deps.store.take(d.locationId, d.day, postDailyDigest(d.locationId, d.day, now))) claimed.push(d.locationId);
    }
    if (claimed.length) {
      this.deps.logger.info({ locations: claimed }, 'daily digest due');
      this.deps.kick();
    }
    return claimed;
  }

  private readonly job = new PeriodicJob(
    () => this.runOnce(),
    (err) => this.deps.logger.error({ err }, 'daily digest schedule failed'),
  );

  /** Looks every interval, and once now (a restart after the hour posts the day's digest). */
  start(intervalMs: number): void {
    if (!this.deps.at) return;
    this.job.start(intervalMs);
    this.job.kick();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
