import type { DealType, Stage } from './vocabulary';

/** R20 / R21: the standard stages of each deal type, in order, with their percentages. */
export const STAGE_PERCENT: Readonly<Record<Stage, number>> = {
  created: 10,
  accepted: 10,
  secureCustomerLoe: 20,
  collectData: 40,
  prepareAssessmentReport: 60,
  presentToCustomer: 80,
  qualified: 20,
  developed: 40,
  proposed: 60,
  negotiated: 80,
  won: 100,
  lost: 0,
};

/** R20: the four stages a solution-assessment deal must complete, each on its own, in this order, before Won. */
export const MANDATORY_SA_STAGES = [
  'secureCustomerLoe',
  'collectData',
  'prepareAssessmentReport',
  'presentToCustomer',
] as const satisfies readonly Stage[];

/** R21: the optional middle stages of a co-sell deal. */
export const OPTIONAL_COSELL_STAGES = ['qualified', 'developed', 'proposed', 'negotiated'] as const satisfies readonly Stage[];

/** Every standard stage of a type, in order (what stage mapping may land on). */
export const STAGES_OF: Readonly<Record<DealType, readonly Stage[]>> = {
  solutionAssessment: ['created', 'accepted', ...MANDATORY_SA_STAGES, 'won', 'lost'],
  coSell: ['created', 'accepted', ...OPTIONAL_COSELL_STAGES, 'won', 'lost'],
};

export function stagePercent(stage: Stage): number {
  return STAGE_PERCENT[stage];
}

export function isMandatorySaStage(stage: Stage): stage is (typeof MANDATORY_SA_STAGES)[number] {
  return (MANDATORY_SA_STAGES as readonly Stage[]).includes(stage);
}

export function isOptionalCoSellStage(stage: Stage): stage is (typeof OPTIONAL_COSELL_STAGES)[number] {
  return (OPTIONAL_COSELL_STAGES as readonly Stage[]).includes(stage);
}

/** The next mandatory stage of a solution-assessment deal, or undefined when all four are complete. */
export function nextMandatoryStage(completed: readonly Stage[]): (typeof MANDATORY_SA_STAGES)[number] | undefined {
  return MANDATORY_SA_STAGES.find((s) => !completed.includes(s));
}
