import { formatDateTime, type DealRecord, type SyncNotice } from '../src/domain';
import { t, type Locale, type MessageKey } from './i18n';
import { messageCard } from './messageCard';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/pcUnmapped.json';
import { VERBS } from './verbs';

/**
 * Issue 13, what people see of the Partner Center sync: the line on a deal card, the admins' `sync status` card and
 * the card that asks an admin to map a Partner Center location no location of ours is mapped to.
 */

const REASONS = ['stale', 'throttled', 'unavailable', 'notFound', 'rejected', 'refused', 'error'] as const;
const reasonText = (locale: Locale, reason: string | undefined) =>
  t(locale, `sync.reason.${(REASONS as readonly string[]).includes(reason ?? '') ? reason : 'error'}` as MessageKey);

function noticeText(notice: SyncNotice, locale: Locale, zone: string): string {
  switch (notice.code) {
    case 'superseded':
      return t(locale, 'sync.state.superseded', { by: notice.by ?? '—' });
    case 'refused': {
      const first = notice.refused?.[0];
      const fields = (notice.refused ?? []).map((r) => r.field).join(', ');
      return t(locale, 'sync.state.refused', { fields, reason: first ? t(locale, 'sync.reason.rejected') : '' });
    }
    default:
      // How long the deal has been waiting is the backlog a seller cares about (issue 13).
      return notice.since
        ? t(locale, 'sync.state.retryingSince', { since: formatDateTime(new Date(notice.since), locale, zone), reason: reasonText(locale, notice.reason) })
        : t(locale, 'sync.state.retrying', { reason: reasonText(locale, notice.reason) });
  }
}

/** The deal card's "Partner Center" line (times in `zone`), or null when the deal has nothing to do with Partner Center. */
export function syncLine(deal: Pick<DealRecord, 'partnerCenter'>, locale: Locale, zone = 'UTC'): string | null {
  const pc = deal.partnerCenter;
  if (!pc?.state) return null;
  if (pc.state === 'failed') return t(locale, 'sync.state.failed', { reason: reasonText(locale, pc.notice?.reason) });
  if (pc.notice) return noticeText(pc.notice, locale, zone);
  return t(locale, pc.state === 'pending' ? 'sync.state.pending' : 'sync.state.synced');
}

export interface SyncOverviewView {
  configured: boolean;
  pending: number;
  oldestPendingAt: string | null;
  failed: { number: number; name: string; reason: string | null }[];
  conflicts: number;
  lastPollAt: string | null;
  lastPollError: string | null;
  lastWebhookAt: string | null;
  unmapped: { name: string; targetId: string }[];
}

/** `sync status` / `同期状況`: what an admin needs to know at a glance. Times come formatted for the reader. */
export function syncStatusCard(o: SyncOverviewView, locale: Locale): AdaptiveCard {
  if (!o.configured) return messageCard(t(locale, 'sync.status.title'), [t(locale, 'sync.status.off')]);
  const never = t(locale, 'sync.status.never');
  const lines = [
    `${t(locale, 'sync.status.pending')}: ${o.pending}${o.oldestPendingAt ? ` (${t(locale, 'sync.status.oldest')} ${o.oldestPendingAt})` : ''}`,
    `${t(locale, 'sync.status.failed')}: ${o.failed.length}`,
    ...o.failed.map((f) => `• ${t(locale, 'sync.status.failedLine', { number: f.number, name: f.name, reason: reasonText(locale, f.reason ?? undefined) })}`),
    `${t(locale, 'sync.status.conflicts')}: ${o.conflicts}`,
    `${t(locale, 'sync.status.lastPoll')}: ${o.lastPollAt ?? never}`,
    o.lastPollError ? `${t(locale, 'sync.status.lastPollError')}: ${reasonText(locale, o.lastPollError)}` : '',
    `${t(locale, 'sync.status.lastWebhook')}: ${o.lastWebhookAt ?? never}`,
    `${t(locale, 'sync.status.unmapped')}: ${o.unmapped.length}`,
    ...o.unmapped.map((u) => `• ${t(locale, 'sync.status.unmappedLine', { name: u.name, target: u.targetId })}`),
  ];
  const trouble = o.failed.length > 0 || !!o.lastPollError || o.unmapped.length > 0;
  return messageCard(t(locale, 'sync.status.title'), lines, trouble ? 'attention' : 'good');
}

/** Asks an admin which location receives a Partner Center location's referrals (verb `pc.mapLocation`). */
export function unmappedCard(
  referral: { id: string; name: string; targetId: string },
  locations: readonly { id: string; name: string }[],
  locale: Locale,
  notice = '',
): AdaptiveCard {
  const choices = locations.map((l) => ({ title: `${l.name} (${l.id})`, value: l.id }));
  return renderCard(template, {
    style: 'warning',
    title: t(locale, 'sync.unmapped.title'),
    text: t(locale, 'sync.unmapped.text', { name: referral.name, target: referral.targetId }),
    notice,
    chooseLabel: t(locale, 'sync.unmapped.choose'),
    chooseError: t(locale, 'sync.unmapped.chooseError'),
    firstChoice: choices[0]?.value ?? '',
    choices,
    actions: choices.length ? [{ title: t(locale, 'sync.unmapped.map'), verb: VERBS.pcMapLocation, data: { referralId: referral.id, pcLocationId: referral.targetId } }] : [],
  });
}
