import { MessageFactory } from 'botbuilder';
import { t, type Locale } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { cardAttachment, type AdaptiveCard } from '../cards/render';
import { syncStatusCard, unmappedCard } from '../cards/syncCards';
import { adminRefusal, formatDateTime, locationChangeRefusal, searchKey } from '../src/domain';
import { JOB } from '../src/services/followUps';
import type { Job } from '../src/services/jobWorker';
import type { BotServices } from './botServices';
import type { CardActionHandler, TextHandler } from './handlerTypes';
import type { Turn } from './turn';
import { VERBS } from '../cards/verbs';

/**
 * Issue 13, the Teams side of the Partner Center sync: `pc location` / `PC場所` maps a location to its Partner Center
 * business-profile location, `sync status` / `同期状況` shows the sync to admins, an admin is asked (by a job) to map a
 * Partner Center location a referral arrived for, and an admin can send a failed deal again from its card.
 */

const reply = (turn: Turn, card: AdaptiveCard) => turn.context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
const say = (turn: Turn, title: string, lines: string[] = [], style: 'default' | 'attention' | 'good' = 'default') => reply(turn, messageCard(title, lines, style));

async function locationsLine(services: BotServices): Promise<string> {
  return (await services.people.locations()).map((l) => `${l.name} (${l.id})`).join(', ') || '—';
}

async function findLocation(services: BotServices, typed: string) {
  const key = searchKey(typed);
  return (await services.people.locations()).find((l) => searchKey(l.id) === key || searchKey(l.name) === key);
}

/** Maps a location and lets the referrals that waited for it arrive. Returns the lines to show. */
async function map(turn: Turn, services: BotServices, locationId: string, pcLocationId: string | null): Promise<{ ok: boolean; lines: string[] }> {
  const pc = services.partnerCenter;
  const location = await findLocation(services, locationId);
  const { locale } = turn;
  if (!location) return { ok: false, lines: [t(locale, 'sync.location.unknown', { location: locationId, locations: await locationsLine(services) })] };
  if (!pc) return { ok: false, lines: [t(locale, 'sync.status.off')] };
  await pc.store.mapLocation(location.id, pcLocationId, turn.actor);
  const label = `${location.name} (${location.id})`;
  if (!pcLocationId) return { ok: true, lines: [t(locale, 'sync.location.cleared', { location: label })] };
  const arrived = await pc.sync.locationMapped(pcLocationId);
  return {
    ok: true,
    lines: [t(locale, 'sync.location.done', { location: label, pcLocation: pcLocationId }), ...(arrived ? [t(locale, 'sync.location.arrived', { count: arrived })] : [])],
  };
}

/** `pc location <location> <Partner Center location id | none>` (global admins: it decides where referrals go). */
export const pcLocation: TextHandler = async (turn, args, services) => {
  const { locale } = turn;
  const denied = locationChangeRefusal(turn.actor);
  if (denied) return void (await say(turn, denied.message[locale], [], 'attention'));
  const [locationId, pcLocationId] = args.trim().split(/\s+/).filter(Boolean);
  if (!locationId || !pcLocationId) return void (await say(turn, t(locale, 'sync.location.usage', { locations: await locationsLine(services) }), [], 'attention'));
  const result = await map(turn, services, locationId, /^(none|なし)$/i.test(pcLocationId) ? null : pcLocationId);
  await say(turn, result.lines[0]!, result.lines.slice(1), result.ok ? 'good' : 'attention');
};

/** What `sync status` shows, with times in the reader's format. */
async function statusCard(services: BotServices, locale: Locale, timeZone?: string): Promise<AdaptiveCard> {
  const pc = services.partnerCenter;
  if (!pc) return syncStatusCard({ configured: false, pending: 0, oldestPendingAt: null, failed: [], conflicts: 0, lastPollAt: null, lastPollError: null, lastWebhookAt: null, unmapped: [] }, locale);
  const oldest = (await services.jobStore.counts([JOB.pushToPartnerCenter])).oldestPendingAt;
  const o = await pc.store.overview(oldest);
  const at = (d: Date | null) => (d ? formatDateTime(d, locale, timeZone ?? 'UTC') : null);
  return syncStatusCard(
    {
      configured: true,
      pending: o.pending,
      oldestPendingAt: at(o.oldestPendingAt),
      failed: o.failed,
      conflicts: o.conflicts,
      lastPollAt: at(o.lastPollAt),
      lastPollError: o.lastPollError,
      lastWebhookAt: at(o.lastWebhookAt),
      unmapped: o.unmapped,
    },
    locale,
  );
}

export const syncStatus: TextHandler = async (turn, _args, services) => {
  const denied = adminRefusal(turn.actor);
  if (denied) return void (await say(turn, denied.message[turn.locale], [], 'attention'));
  await reply(turn, await statusCard(services, turn.locale, turn.timeZone));
};

/** `partner center webhook` / `PCウェブフック` (global admins): Partner Center's referral events come here. */
export const pcWebhook: TextHandler = async (turn, _args, services) => {
  const { locale } = turn;
  const denied = locationChangeRefusal(turn.actor);
  if (denied) return void (await say(turn, denied.message[locale], [], 'attention'));
  const pc = services.partnerCenter;
  if (!pc) return void (await say(turn, t(locale, 'sync.status.off'), [], 'attention'));
  if (!services.config.PUBLIC_BASE_URL) return void (await say(turn, t(locale, 'sync.webhook.noBaseUrl'), [], 'attention'));
  const url = `${services.config.PUBLIC_BASE_URL}/api/partner-center/events`;
  try {
    const registered = await pc.webhooks.register(url);
    await say(turn, t(locale, 'sync.webhook.done', { url: registered.WebhookUrl }), registered.WebhookEvents, 'good');
  } catch (err) {
    services.logger.warn({ err }, 'Partner Center webhook registration failed');
    await say(turn, t(locale, 'sync.webhook.failed', { status: (err as { status?: number | null }).status ?? '—' }), [], 'attention');
  }
};

export const partnerCenterTextHandlers = { pcLocation, syncStatus, pcWebhook } as const;

// -- card verbs ----------------------------------------------------------------------------------------------------

const mapLocationVerb: CardActionHandler = async ({ turn, services, data }) => {
  const referralId = typeof data.referralId === 'string' ? data.referralId : '';
  const locations = await services.people.locations();
  const waiting = services.partnerCenter ? await services.partnerCenter.store.unmapped(referralId) : null;
  const denied = locationChangeRefusal(turn.actor);
  if (!waiting) return messageCard(t(turn.locale, 'sync.unmapped.title'), [t(turn.locale, 'sync.unmapped.gone')]);
  if (denied) return unmappedCard(waiting, locations, turn.locale, denied.message[turn.locale]);
  const locationId = typeof data.mapLocationId === 'string' ? data.mapLocationId : '';
  const result = await map(turn, services, locationId, waiting.targetId);
  if (!result.ok) return unmappedCard(waiting, locations, turn.locale, result.lines.join(' '));
  return messageCard(t(turn.locale, 'sync.unmapped.title'), result.lines, 'good');
};

const retryVerb: CardActionHandler = async ({ turn, services, data }) => {
  const dealId = typeof data.dealId === 'string' ? data.dealId : '';
  const found = await services.queries.get(dealId, turn.actor);
  const denied = adminRefusal(turn.actor);
  if (!found.ok) return messageCard(found.refusal.message[turn.locale], [], 'attention');
  if (denied) return messageCard(denied.message[turn.locale], [], 'attention');
  await services.commands.retryPush(found.value.id);
  return messageCard(t(turn.locale, 'sync.retry.done', { number: found.value.number }), [], 'good');
};

export const partnerCenterVerbs: Readonly<Record<string, CardActionHandler>> = {
  [VERBS.pcMapLocation]: mapLocationVerb,
  [VERBS.pcRetry]: retryVerb,
};

// -- the job that asks admins to map a location ---------------------------------------------------------------------

/** pc.unmapped: the card goes to every global admin in personal chat (they may map locations). */
export function registerPartnerCenterListeners(services: BotServices): void {
  const pc = services.partnerCenter;
  if (!pc) return;
  services.jobs.on(JOB.announceUnmapped, async (job: Job) => {
    const waiting = await pc.store.unmapped(String(job.payload.referralId ?? ''));
    if (!waiting) return; // mapped in the meantime
    const admins = (await services.people.admins()).filter((p) => p.globalScope && p.aadObjectId);
    const chats = await services.conversations.personalChatsOf(admins.map((a) => a.aadObjectId as string));
    if (!chats.length) throw new Error('no global admin can be reached in personal chat');
    const locations = await services.people.locations();
    let delivered = 0;
    for (const conversationId of chats) {
      const locale = (await services.messenger.reference(conversationId))?.locale?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
      try {
        await services.messenger.send(conversationId, MessageFactory.attachment(cardAttachment(unmappedCard(waiting, locations, locale))));
        delivered++;
      } catch (err) {
        services.logger.warn({ err, conversationId }, 'could not tell an admin about an unmapped Partner Center referral');
      }
    }
    if (!delivered) throw new Error('no admin could be told');
  });
}
