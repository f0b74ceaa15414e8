import {
  CLOSE_REASON_LABEL,
  CloseReasonSchema,
  REGISTRATION_STATUS_LABEL,
  RegistrationStatusSchema,
  STAGE_LABEL,
  StageSchema,
  DEAL_TYPE_LABEL,
  fieldLabel,
  formatDateTime,
} from '../src/domain';
import type { DealRecord } from '../src/domain';
import { zoneFor, type NoteView } from './dealCard';
import { noteMeta } from './dealForms';
import { t, type Locale, type MessageKey } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/dealHistory.json';
import { VERBS } from './verbs';

/** The audit timeline (who did what, when) and the dated note history, newest first, within the card size budget. */

export interface AuditEntry {
  type: string;
  actorName: string;
  createdAt: Date;
  data: unknown;
}

/** Bytes of text the card may carry: well under Teams' ~100 KB message limit with the rest of the card. */
const TEXT_BUDGET = 40_000;
const MAX_NOTE_CHARS = 2_000;

const KNOWN_EVENTS = new Set([
  'DealCreated',
  'ReferralReceived',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralExpired',
  'DealEdited',
  'NoteAdded',
  'TeamChanged',
  'StageCompleted',
  'StageSet',
  'DealWon',
  'DealLost',
  'RegistrationSubmitted',
  'RegistrationReviewed',
]);

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** One line per event, in the reader's language; an event this build does not know is shown by its name. */
export function describeEvent(e: AuditEntry, locale: Locale): string {
  const d = record(e.data);
  const stage = StageSchema.safeParse(d.stage);
  const reason = CloseReasonSchema.safeParse(d.reason);
  const outcome = RegistrationStatusSchema.safeParse(d.outcome);
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(', ') : '');
  const params = {
    stage: stage.success ? STAGE_LABEL[stage.data][locale] : '',
    percent: typeof d.percent === 'number' ? d.percent : '',
    reason: reason.success ? CLOSE_REASON_LABEL[reason.data][locale] : '',
    outcome: outcome.success ? REGISTRATION_STATUS_LABEL[outcome.data][locale] : '',
    // The glossary's word for each field (the contact's parts are one: 顧客の連絡先), each once.
    fields: [...new Set(Object.keys(record(d.changes)).map((f) => fieldLabel(f)[locale]))].join(locale === 'ja' ? '、' : ', '),
    added: list(d.added) || '—',
    removed: list(d.removed) || '—',
    type: d.type === 'solutionAssessment' || d.type === 'coSell' ? DEAL_TYPE_LABEL[d.type][locale] : '',
  };
  const what = KNOWN_EVENTS.has(e.type) ? t(locale, `deal.event.${e.type[0]!.toLowerCase()}${e.type.slice(1)}` as MessageKey, params) : e.type;
  return `${e.actorName}: ${what}`;
}

export function historyCard(deal: DealRecord, locale: Locale, events: readonly AuditEntry[], notes: readonly NoteView[], timeZone?: string): AdaptiveCard {
  const zone = zoneFor(deal, locale, timeZone);
  let budget = TEXT_BUDGET;
  const take = <T>(items: readonly T[], size: (x: T) => number): T[] => {
    const out: T[] = [];
    for (const item of items) {
      const n = size(item);
      if (n > budget) break;
      budget -= n;
      out.push(item);
    }
    return out;
  };
  const timeline = take(
    [...events].reverse().map((e) => ({ when: formatDateTime(e.createdAt, locale, zone), text: describeEvent(e, locale) })),
    (x) => Buffer.byteLength(x.text) + x.when.length + 150,
  );
  const shownNotes = take(
    [...notes].reverse().map((n) => ({ meta: noteMeta(n, locale, zone), text: n.text.length > MAX_NOTE_CHARS ? `${n.text.slice(0, MAX_NOTE_CHARS - 1)}…` : n.text })),
    (x) => Buffer.byteLength(x.text) + x.meta.length + 200,
  );
  return renderCard(template, {
    notice: '',
    noticeStyle: 'default',
    title: t(locale, 'deal.history.title', { name: deal.name }),
    subtitle: t(locale, 'deal.number', { number: deal.number }),
    timelineTitle: t(locale, 'deal.history.timeline'),
    timeline,
    timelineMore: events.length > timeline.length ? t(locale, 'deal.history.more', { count: events.length - timeline.length }) : '',
    notesTitle: t(locale, 'deal.history.notes'),
    notes: shownNotes,
    notesMore: notes.length > shownNotes.length ? t(locale, 'deal.history.more', { count: notes.length - shownNotes.length }) : '',
    actions: [{ title: t(locale, 'deal.form.back'), verb: VERBS.dealRefresh, data: { dealId: deal.id }, style: 'default' }],
  });
}
