import type { DecimalText } from './records';
import type { CloseReason, DealType, Stage } from './vocabulary';

/**
 * Issue 17, insights: what the team's deals say, for the reader's scope. The store counts in SQL; the definitions
 * (which deals count for what) are written here once, so the card, its charts and the tests agree.
 *
 * - Pipeline: open deals (New and Active) now, per deal type and stage (a New referral is at 受け取り, "received"),
 *   per currency: count, total and stage-weighted value (R20/R21).
 * - The window is the last `INSIGHT_DAYS` days, ending now.
 * - Funnel: referrals (inbound deals) received in the window → of them, those accepted → of them, those won.
 * - Time to accept: referrals accepted in the window, receivedAt → acceptedAt. Time to win: deals won in the window,
 *   received (inbound) or created (outbound) → closed. Medians, in hours.
 * - Win rate: deals closed in the window as Won ÷ (Won + Lost). Declined and expired referrals are not lost deals.
 * - Decline reasons: referrals declined in the window, per Partner Center reason; expired ones beside them (no one
 *   answered in time).
 */
export const INSIGHT_DAYS = 90;

/** The pipeline's stage column: a stored stage, or `received` for a referral nobody answered yet. */
export type InsightStage = Stage | 'received';

export interface InsightPipelineRow {
  type: DealType;
  stage: InsightStage;
  currency: string;
  count: number;
  total: DecimalText;
  weighted: DecimalText;
}

export interface Insights {
  /** Start of the window (inclusive) and its end. */
  since: Date;
  until: Date;
  pipeline: InsightPipelineRow[];
  funnel: { received: number; accepted: number; won: number };
  /** Median hours; null when no deal counts. */
  timeToAccept: { medianHours: number | null; count: number };
  timeToWin: { medianHours: number | null; count: number };
  outcomes: { won: number; lost: number };
  /** Won ÷ (won + lost), 0–1; null when nothing was won or lost. */
  winRate: number | null;
  declines: { reason: CloseReason; count: number }[];
  expired: number;
}

/** The window ending at `now`. */
export function insightWindow(now: Date, days = INSIGHT_DAYS): { since: Date; until: Date } {
  return { since: new Date(now.getTime() - days * 86_400_000), until: now };
}

/** The median of the numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function winRateOf(outcomes: { won: number; lost: number }): number | null {
  const decided = outcomes.won + outcomes.lost;
  return decided === 0 ? null : outcomes.won / decided;
}

/** Stages in the order a deal of the type moves through them, `received` first (the pipeline's rows). */
export const INSIGHT_STAGES: Readonly<Record<DealType, readonly InsightStage[]>> = {
  solutionAssessment: ['received', 'created', 'accepted', 'secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer'],
  coSell: ['received', 'created', 'accepted', 'qualified', 'developed', 'proposed', 'negotiated'],
};

// ---------------------------------------------------------------------------------------------------------------
// Charts: what a chart shows, in the reader's words; rendering (SVG → PNG) is the services' job.

/** One bar: its label, its length, the text printed beside it, and its series (a colour). */
export interface ChartBar {
  label: string;
  value: number;
  text: string;
  series?: string;
}

/**
 * A horizontal bar chart, already in the reader's language. `groups` split the bars into panels one above the other
 * (solution assessment and co-sell apart); without groups one panel.
 */
export interface ChartSpec {
  kind: 'bars';
  title: string;
  /** Label of the value axis. */
  axis: string;
  groups: { title: string; bars: ChartBar[] }[];
}
