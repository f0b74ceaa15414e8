import { JOB, type RefreshPayload } from '../src/services/followUps';
import { exponentialBackoff, RetryAfter, type Job } from '../src/services/jobWorker';
import type { DealRecord } from '../src/domain';
import type { BotServices } from './botServices';
import { ConnectorGaveUp } from './connectorRetry';
import { ReferralRouter } from './delivery';

/**
 * The Teams side's listeners of deal changes: each job kind of src/services/followUps.ts that needs the Bot Connector
 * is done here, outside any request. A listener that throws is tried again later (src/services/jobWorker.ts); when
 * the Bot Connector asked us to wait (Retry-After), the job waits that long.
 */
export function registerTeamsListeners(services: BotServices): ReferralRouter {
  const router = new ReferralRouter(services);
  const { jobs, config } = services;
  // Retries start one poll interval later and double: Teams being down for an hour costs a dozen tries per job.
  const retryBaseMs = config.JOB_POLL_SECONDS * 1000;

  const dealOf = async (job: Job): Promise<DealRecord | null> => {
    if (!job.dealId) return null;
    const found = await services.queries.getForSystem(job.dealId);
    return found.ok ? found.value : null;
  };

  jobs.on(
    JOB.refreshCards,
    connectorWork(async (job) => {
      const payload = job.payload as Partial<RefreshPayload>;
      if (job.dealId) await services.publisher.refresh(job.dealId, { all: payload.all === true, version: typeof payload.version === 'number' ? payload.version : undefined });
    }),
    { maxAttempts: 12, backoffMs: exponentialBackoff(retryBaseMs, 15 * 60_000) },
  );

  // R14: until the referral is answered or expires, waiting up to an hour between tries.
  jobs.on(
    JOB.announceReferral,
    connectorWork(async (job) => {
      const deal = await dealOf(job);
      if (!deal || deal.status !== 'New') return;
      // Posted already (a worker that crashed after posting): the card is not posted twice.
      if ((await services.cardPosts.countFor(deal.id)) > 0) return;
      const result = await router.announce(deal);
      if (!result.delivered.length) throw new Error('no conversation could be reached for the referral card');
    }),
    { maxAttempts: Infinity, backoffMs: exponentialBackoff(retryBaseMs, 3_600_000) },
  );

  jobs.on(
    JOB.remindReferral,
    connectorWork(async (job) => {
      const deal = await dealOf(job);
      if (!deal || deal.status !== 'New') return;
      const daysLeft = Number((job.payload as { daysLeft?: unknown }).daysLeft) || 1;
      const result = await router.remind(deal, daysLeft);
      if (!result.delivered.length) throw new Error('no conversation could be reached for the reminder');
    }),
    { maxAttempts: 8, backoffMs: exponentialBackoff(retryBaseMs, 3_600_000) },
  );

  return router;
}

/** A Retry-After the connector gave (and our retry layer did not wait out in place) becomes the job's own wait. */
function connectorWork(run: (job: Job) => Promise<void>): (job: Job) => Promise<void> {
  return async (job) => {
    try {
      await run(job);
    } catch (err) {
      const gaveUp = err instanceof ConnectorGaveUp ? err : (err as { cause?: unknown })?.cause;
      if (gaveUp instanceof ConnectorGaveUp && gaveUp.retryAfterMs !== undefined) throw new RetryAfter(gaveUp.retryAfterMs, (err as Error).message);
      throw err;
    }
  };
}

/**
 * Someone became reachable (a conversation the bot did not know): referral cards that found nobody to tell stop
 * waiting for their next retry and go out now — an admin who installs the bot sees the referrals waiting for them.
 */
export async function reachable(services: BotServices): Promise<void> {
  if ((await services.jobStore.expedite([JOB.announceReferral, JOB.announceUnmapped])) > 0) services.jobs.kick();
}
