import type { Command } from './commandTable';
import type { DealState } from './deal';
import { STAGE_LABEL, termsNamed, type TermKey } from './glossary';
import { foldKey } from './normalize';
import type { Lang, Text } from './text';
import { refuse } from './refusals';
import { fail, ok, type Result } from './result';
import { STAGE_PERCENT, STAGES_OF, isMandatorySaStage, isOptionalCoSellStage } from './stages';
import { type DealType, type Stage } from './vocabulary';

/**
 * R22: callers may name a stage by its standard name (id or English label), by their own CRM's name (a configured
 * map, case-insensitive), or by a percentage. Everything maps onto the standard stages of the deal's type.
 */
export type StageMap = Readonly<Record<string, Stage>>;

/** Names are compared as keys (foldKey): "secure_customer_loe", "Secure customer LOE" and 顧客のLOEを確保 match. */
export function mapStage(value: string | number, type: DealType, customMap: StageMap = {}): Result<Stage> {
  const stages = STAGES_OF[type];
  const percents = [...new Set(stages.filter((s) => s !== 'lost').map((s) => `${STAGE_PERCENT[s]}%`))];
  const acceptedIn = (lang: Lang) =>
    [...stages.map((s) => STAGE_LABEL[s][lang]), ...Object.keys(customMap), ...percents].join(lang === 'ja' ? '、' : ', ');
  const accepted = (): Text => ({ en: acceptedIn('en'), ja: acceptedIn('ja') });

  const raw = typeof value === 'number' ? String(value) : value;
  const percentMatch = /^\s*(\d{1,3})\s*%?\s*$/.exec(raw);
  if (percentMatch) {
    const percent = Number(percentMatch[1]);
    // Several stages share 10 %: Created and Accepted. A bare 10 means Accepted, the working stage.
    const candidates = stages.filter((s) => s !== 'lost' && STAGE_PERCENT[s] === percent);
    const stage = candidates.includes('accepted') ? 'accepted' : candidates[0];
    return stage ? ok(stage) : fail(refuse('UNKNOWN_STAGE', { value: raw.trim(), accepted: accepted() }));
  }

  const key = foldKey(raw);
  for (const [name, stage] of Object.entries(customMap)) {
    if (foldKey(name) === key) {
      return stages.includes(stage) ? ok(stage) : fail(refuse('UNKNOWN_STAGE', { value: raw, accepted: accepted() }));
    }
  }
  // The seed's names (データを収集する), the English ones, the ids, and the names used before the glossary.
  const former = termsNamed(raw, foldKey);
  const standard = stages.find(
    (s) => foldKey(s) === key || foldKey(STAGE_LABEL[s].en) === key || foldKey(STAGE_LABEL[s].ja) === key || former.includes(s as TermKey),
  );
  return standard ? ok(standard) : fail(refuse('UNKNOWN_STAGE', { value: raw, accepted: accepted() }));
}

/** The command that moves a deal to a standard stage: the state machine still decides whether it may. */
export function commandForStage(deal: DealState, stage: Stage): Command | null {
  if (stage === 'won') return { type: 'win' };
  if (stage === 'lost') return { type: 'lose', input: { reason: 'other' } };
  if (deal.type === 'solutionAssessment' && isMandatorySaStage(stage)) return { type: 'completeStage', input: { stage } };
  if (deal.type === 'coSell' && isOptionalCoSellStage(stage)) return { type: 'setStage', input: { stage } };
  return null;
}

/**
 * R22 for filters: the stages a name or percentage names across deal types ("60%" is Proposed of a co-sell deal and
 * Prepare assessment report of an assessment). The chat `deals stage:` filter and the API's `?stage=` both use this.
 */
export function stagesNamed(value: string, types: readonly DealType[], maps: Partial<Record<DealType, StageMap>> = {}): Result<Stage[]> {
  const mapped = types.map((type) => mapStage(value, type, maps[type] ?? {}));
  const stages = [...new Set(mapped.flatMap((m) => (m.ok ? [m.value] : [])))];
  if (stages.length) return ok(stages);
  const first = mapped.find((m) => !m.ok);
  return first && !first.ok ? first : fail(refuse('UNKNOWN_STAGE', { value, accepted: '' }));
}
