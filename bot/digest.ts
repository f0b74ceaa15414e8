import { MessageFactory } from 'botbuilder';
import { digestCard, digestNothingCard } from '../cards/digestCard';
import { localeOf, t, type Locale } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { cardAttachment } from '../cards/render';
import { adminRefusal, inScope, isEmptyDigest, type LocationDigest } from '../src/domain';
import { JOB, postDigestNow, type DigestPayload } from '../src/services/followUps';
import { exponentialBackoff, type Job } from '../src/services/jobWorker';
import type { BotServices } from './botServices';
import type { ReferralRouter } from './delivery';
import type { TextHandler } from './handlerTypes';

/**
 * Issue 17: the daily digest on the Teams side. The scheduler (src/services/digest.ts) writes a job per location and
 * day; this listener reads the digest as of the job's moment and posts it where the location's referrals go (the
 * linked conversation, else its admins in personal chat). Nothing to say: no post. `digest now` / `ダイジェスト`
 * (admins) writes a job that posts the digests of the admin's locations into the admin's conversation at once.
 */

/** Items listed per section; the rest is counted ("…and 4 more"). */
const SHOWN = 10;

export function registerDigestListener(services: BotServices, router: ReferralRouter): void {
  const { config } = services;
  const read = (locationId: string, now: Date) => services.queries.digest(locationId, { now, staleDays: config.STALE_DAYS, limit: SHOWN });
  const localeIn = async (conversationId: string): Promise<Locale> => localeOf((await services.messenger.reference(conversationId))?.locale);

  const post = async (job: Job) => {
    const payload = job.payload as Partial<DigestPayload>;
    const now = new Date(payload.at ?? Date.now());
    if (payload.conversationId && payload.locationIds) return postNow(payload.locationIds, payload.conversationId, localeOf(payload.locale), now);
    const { locationId, day } = payload;
    if (!locationId || !day) return;
    // Posted already (a worker that crashed after posting): not again.
    if (await services.digests.isPosted(locationId, day)) return;
    const digest = await read(locationId, now);
    if (digest && !isEmptyDigest(digest)) {
      const result = await router.deliver(locationId, async (conversationId) => {
        const card = digestCard(await localeIn(conversationId), digest, config.STALE_DAYS);
        return services.messenger.send(conversationId, MessageFactory.attachment(cardAttachment(card)));
      });
      if (!result.delivered.length) throw new Error('no conversation could be reached for the daily digest');
    }
    await services.digests.markPosted(locationId, day);
  };

  const postNow = async (locationIds: string[], conversationId: string, locale: Locale, now: Date) => {
    const digests: LocationDigest[] = [];
    const names: string[] = [];
    for (const id of locationIds) {
      const digest = await read(id, now);
      if (!digest) continue;
      names.push(digest.locationName);
      if (!isEmptyDigest(digest)) digests.push(digest);
    }
    const cards = digests.length ? digests.map((d) => digestCard(locale, d, config.STALE_DAYS)) : [digestNothingCard(locale, names)];
    for (const card of cards) await services.messenger.send(conversationId, MessageFactory.attachment(cardAttachment(card)));
  };

  // A digest that cannot reach anyone is tried a few times, then dropped: tomorrow's says the same and more.
  services.jobs.on(JOB.postDigest, post, { maxAttempts: 6, backoffMs: exponentialBackoff(config.JOB_POLL_SECONDS * 1000, 30 * 60_000) });
}

/**
 * `digest now` / `ダイジェスト`: admins only. In a conversation linked to locations, those locations (of the admin's
 * scope); anywhere else, every location of the admin's scope. The post is a job, run at once by the worker.
 */
export const digestNow: TextHandler = async (turn, _args, services) => {
  const { locale, actor, context } = turn;
  const reply = (title: string, style: 'default' | 'attention' = 'attention') => context.sendActivity(MessageFactory.attachment(cardAttachment(messageCard(title, [], style))));
  const refusal = adminRefusal(actor);
  if (refusal) return void (await reply(refusal.message[locale]));
  const conversationId = context.activity.conversation?.id ?? '';
  const mine = (await services.people.locations()).filter((l) => inScope(actor, l.id));
  const base = conversationId.split(';messageid=')[0] ?? conversationId;
  const linked = (await services.routes.list(mine.map((l) => l.id))).filter((r) => r.conversationId === base && !r.broken).map((r) => r.locationId);
  const locationIds = linked.length ? linked : mine.map((l) => l.id);
  if (!locationIds.length) return void (await reply(t(locale, 'digest.noLocations')));
  await services.jobStore.enqueue([postDigestNow(locationIds, conversationId, locale, new Date())]);
  services.jobs.kick();
};
