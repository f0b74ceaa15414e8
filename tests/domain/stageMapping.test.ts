/** R20–R22: standard stages, their percentages, and mapping callers' stage names / percentages onto them. */
import {
  MANDATORY_SA_STAGES,
  OPTIONAL_COSELL_STAGES,
  STAGES_OF,
  STAGE_LABEL,
  commandForStage,
  decide,
  mapStage,
  stagePercent,
  type DealType,
  type Result,
  type Stage,
  type StageMap,
} from '../../src/domain';
import { ACTORS, CTX, JAPANESE, UNFILLED, fixture } from './fixtures';

const stageOf = (r: Result<Stage>): Stage | string => (r.ok ? r.value : r.refusal.code);

describe('standard stages and percentages (R20, R21)', () => {
  test('percentages are those of the spec', () => {
    expect(Object.fromEntries(STAGES_OF.solutionAssessment.map((s) => [s, stagePercent(s)]))).toEqual({
      created: 10,
      accepted: 10,
      secureCustomerLoe: 20,
      collectData: 40,
      prepareAssessmentReport: 60,
      presentToCustomer: 80,
      won: 100,
      lost: 0,
    });
    expect(Object.fromEntries(OPTIONAL_COSELL_STAGES.map((s) => [s, stagePercent(s)]))).toEqual({
      qualified: 20,
      developed: 40,
      proposed: 60,
      negotiated: 80,
    });
  });

  test('the four mandatory SA stages, in order', () => {
    expect(MANDATORY_SA_STAGES).toEqual(['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer']);
  });

  test('SA and co-sell middle stages do not mix', () => {
    expect(STAGES_OF.solutionAssessment).not.toContain('qualified');
    expect(STAGES_OF.coSell).not.toContain('collectData');
  });
});

describe('mapStage (R22)', () => {
  const both: DealType[] = ['solutionAssessment', 'coSell'];

  test.each(both)('every standard id, English label and Japanese label of a %s stage maps to itself', (type) => {
    for (const stage of STAGES_OF[type]) {
      expect(stageOf(mapStage(stage, type))).toBe(stage);
      expect(stageOf(mapStage(STAGE_LABEL[stage].en, type))).toBe(stage);
      expect(stageOf(mapStage(STAGE_LABEL[stage].ja, type))).toBe(stage);
    }
  });

  test.each<[string, DealType, Stage]>([
    ['SECURE CUSTOMER LOE', 'solutionAssessment', 'secureCustomerLoe'],
    ['secure customer loe', 'solutionAssessment', 'secureCustomerLoe'],
    ['  Collect   Data ', 'solutionAssessment', 'collectData'],
    ['present_to_customer', 'solutionAssessment', 'presentToCustomer'],
    ['prepare-assessment-report', 'solutionAssessment', 'prepareAssessmentReport'],
    ['SECURECUSTOMERLOE', 'solutionAssessment', 'secureCustomerLoe'],
    ['NEGOTIATED', 'coSell', 'negotiated'],
    ['won', 'coSell', 'won'],
    ['LOST', 'solutionAssessment', 'lost'],
    ['顧客の loe を確保', 'solutionAssessment', 'secureCustomerLoe'],
    ['提案済み', 'coSell', 'proposed'],
    ['ＷＯＮ', 'coSell', 'won'], // full-width, as typed with a Japanese IME
  ])('%s (%s) → %s, case-insensitively', (value, type, stage) => {
    expect(stageOf(mapStage(value, type))).toBe(stage);
  });

  test.each<[string | number, DealType, Stage]>([
    [10, 'solutionAssessment', 'accepted'],
    ['10', 'coSell', 'accepted'],
    ['10%', 'coSell', 'accepted'],
    [20, 'solutionAssessment', 'secureCustomerLoe'],
    [20, 'coSell', 'qualified'],
    ['40 %', 'solutionAssessment', 'collectData'],
    [40, 'coSell', 'developed'],
    [60, 'solutionAssessment', 'prepareAssessmentReport'],
    [60, 'coSell', 'proposed'],
    [80, 'solutionAssessment', 'presentToCustomer'],
    [' 80 ', 'coSell', 'negotiated'],
    [100, 'solutionAssessment', 'won'],
    ['100%', 'coSell', 'won'],
  ])('bare percentage %p on %s → %s', (value, type, stage) => {
    expect(stageOf(mapStage(value, type))).toBe(stage);
  });

  test.each<[string | number, DealType]>([
    [0, 'coSell'],
    [30, 'solutionAssessment'],
    [50, 'coSell'],
    [120, 'coSell'],
    ['1000', 'coSell'],
    [-20, 'coSell'],
    [20.5, 'solutionAssessment'],
    ['Closing', 'coSell'],
    ['', 'coSell'],
    ['Qualified', 'solutionAssessment'], // a co-sell stage on an SA deal
    ['Collect data', 'coSell'], // an SA stage on a co-sell deal
  ])('%p on %s → UNKNOWN_STAGE listing the accepted values', (value, type) => {
    const r = mapStage(value, type);
    if (r.ok) throw new Error(`mapped to ${r.value}`);
    expect(r.refusal.code).toBe('UNKNOWN_STAGE');
    expect(r.refusal.message.en).toContain(String(value).trim());
    for (const stage of STAGES_OF[type]) expect(r.refusal.message.en).toContain(STAGE_LABEL[stage].en);
    expect(r.refusal.message.en).toContain('20%');
    expect(r.refusal.message.en).not.toMatch(UNFILLED);
    expect(r.refusal.message.ja).toMatch(JAPANESE);
    expect(r.refusal.message.ja).not.toMatch(UNFILLED);
  });

  test('the accepted values name only the stages of the deal type', () => {
    const r = mapStage('nope', 'coSell');
    expect(r.ok ? '' : r.refusal.message.en).not.toContain('Collect data');
    const r2 = mapStage('nope', 'solutionAssessment');
    expect(r2.ok ? '' : r2.refusal.message.en).not.toContain('Negotiated');
  });

  describe('a CRM’s own stage names (configured map)', () => {
    const crm: StageMap = {
      'Discovery': 'qualified',
      'Solution Design': 'developed',
      'Quote Sent': 'proposed',
      'Contracting': 'negotiated',
      'Closed Won': 'won',
      'Closed Lost': 'lost',
      'LOE signed': 'secureCustomerLoe',
    };

    test.each<[string, DealType, Stage]>([
      ['Discovery', 'coSell', 'qualified'],
      ['quote sent', 'coSell', 'proposed'],
      ['QUOTE_SENT', 'coSell', 'proposed'],
      ['Closed Won', 'solutionAssessment', 'won'],
      ['closed lost', 'coSell', 'lost'],
      ['loe SIGNED', 'solutionAssessment', 'secureCustomerLoe'],
    ])('%s (%s) → %s', (value, type, stage) => {
      expect(stageOf(mapStage(value, type, crm))).toBe(stage);
    });

    test('a custom name pointing at a stage of the other type is refused with the accepted values', () => {
      const r = mapStage('LOE signed', 'coSell', crm);
      expect(stageOf(r)).toBe('UNKNOWN_STAGE');
      expect(r.ok ? '' : r.refusal.message.en).toContain('Discovery');
    });

    test('standard names still work next to a custom map', () => {
      expect(stageOf(mapStage('Developed', 'coSell', crm))).toBe('developed');
    });
  });
});

describe('commandForStage + decide keep the rules (R20, R22)', () => {
  const mapped = (value: string | number, dealName: string) => {
    const deal = fixture(dealName).deal;
    const stage = mapStage(value, deal.type);
    if (!stage.ok) throw new Error(stage.refusal.code);
    const command = commandForStage(deal, stage.value);
    if (!command) return 'no command';
    const r = decide(deal, command, ACTORS.adminGlobal, CTX);
    return r.ok ? `ok ${r.value.deal.stage}` : r.refusal.code;
  };

  test('Present to customer on a deal at Secure customer LOE is refused as out of order', () => {
    expect(mapped('Present to customer', 'saAfterLoe')).toBe('STAGE_OUT_OF_ORDER');
    expect(mapped(80, 'saAfterLoe')).toBe('STAGE_OUT_OF_ORDER');
  });

  test('the next SA stage by label or percentage passes', () => {
    expect(mapped('Collect data', 'saAfterLoe')).toBe('ok collectData');
    expect(mapped('40%', 'saAfterLoe')).toBe('ok collectData');
  });

  test('Won by percentage needs the four SA stages; co-sell wins from anywhere', () => {
    expect(mapped(100, 'saAfterReport')).toBe('STAGES_INCOMPLETE');
    expect(mapped(100, 'saAfterPresent')).toBe('ok won');
    expect(mapped('Won', 'coSellAccepted')).toBe('ok won');
  });

  test('co-sell moves forward only', () => {
    expect(mapped('Qualified', 'coSellProposedInbound')).toBe('STAGE_NOT_FORWARD');
    expect(mapped(80, 'coSellProposedInbound')).toBe('ok negotiated');
  });

  test('Lost maps to a lose command with a reason', () => {
    expect(mapped('Lost', 'saAfterLoe')).toBe('ok lost');
  });

  test('Created / Accepted are not moves', () => {
    expect(commandForStage(fixture('coSellAccepted').deal, 'accepted')).toBeNull();
    expect(commandForStage(fixture('saAccepted').deal, 'created')).toBeNull();
    expect(commandForStage(fixture('saAccepted').deal, 'qualified')).toBeNull();
  });
});
