/** R8–R13: creating a deal validates every field, per field, in ja and en; a valid input starts at Accepted (10 %). */
import { createDeal, receiveReferral, stagePercent, type Actor, type Refusal } from '../../src/domain';
import {
  ACTORS,
  CTX,
  ELIGIBLE_SOLUTION,
  FUTURE_DATE,
  JAPANESE,
  NOW,
  OSAKA,
  TOKYO,
  TODAY,
  UNFILLED,
  ctxAt,
  validCreateInput,
  validReferralInput,
} from './fixtures';

const create = (input: unknown, actor: Actor = ACTORS.userOnTeam, ctx = CTX) => createDeal(input, actor, ctx);

function refusal(input: unknown, actor: Actor = ACTORS.userOnTeam, ctx = CTX): Refusal {
  const r = create(input, actor, ctx);
  if (r.ok) throw new Error('expected a refusal');
  return r.refusal;
}

/** field → code of an INVALID_INPUT refusal, asserting every message is filled in both languages. */
function fieldCodes(input: unknown, ctx = CTX): Record<string, string> {
  const r = refusal(input, ACTORS.userOnTeam, ctx);
  expect(r.code).toBe('INVALID_INPUT');
  for (const e of r.fieldErrors) {
    expect(e.message.en).not.toBe('');
    expect(e.message.en).not.toMatch(UNFILLED);
    expect(e.message.ja).toMatch(JAPANESE);
    expect(e.message.ja).not.toMatch(UNFILLED);
  }
  return Object.fromEntries(r.fieldErrors.map((e) => [e.field, e.code]));
}

describe('createDeal: a valid input', () => {
  test.each(['solutionAssessment', 'coSell'] as const)('%s → Active / Accepted / accepted at 10 %%, outbound, version 1', (type) => {
    const r = create(validCreateInput(type));
    if (!r.ok) throw new Error(`${r.refusal.code} ${JSON.stringify(r.refusal.fieldErrors)}`);
    const { deal, effects, events } = r.value;
    expect(deal).toMatchObject({
      direction: 'outbound',
      type,
      status: 'Active',
      substatus: 'Accepted',
      stage: 'accepted',
      name: 'Fabrikam data center exit',
      value: 2_500_000.5,
      currency: 'JPY',
      closeDate: FUTURE_DATE,
      crmId: 'CRM-42',
      campaignId: 'CAMP-7',
      locationId: TOKYO,
      completions: [],
      registration: null,
      createdById: ACTORS.userOnTeam.kind === 'system' ? null : ACTORS.userOnTeam.id,
      version: 1,
    });
    expect(stagePercent(deal.stage)).toBe(10);
    expect(deal.team).toEqual([{ name: 'Sora Inoue', phone: '+81 3-6666-6666', email: 'sora.inoue@contoso.com', userId: null }]);
    expect(effects.newNotes).toEqual(['Customer wants to leave its data center by 2027.']);
    expect(events.map((e) => e.type)).toEqual(['DealCreated']);
    if (type === 'solutionAssessment') {
      expect(deal).toMatchObject({ assessmentType: 'Data and Infrastructure Migration', assessmentLocation: 'Tokyo HQ', solutions: [] });
    } else {
      expect(deal).toMatchObject({ assessmentType: null, assessmentLocation: null, solutions: [ELIGIBLE_SOLUTION] });
    }
  });

  test('today is a valid close date; cards send booleans as strings; contact is optional', () => {
    const r = create(validCreateInput('coSell', { closeDate: TODAY, consent: 'true', contact: undefined }));
    expect(r.ok).toBe(true);
  });

  test('an admin, a global admin and the system may create; the same team member twice is one member', () => {
    const twice = validCreateInput('coSell', {
      team: [
        { name: 'A', phone: '+81 3-1111-2222', email: 'a@contoso.com' },
        { name: 'A again', phone: '+81 3-1111-2222', email: 'A@Contoso.com' },
      ],
    });
    for (const actor of [ACTORS.adminTokyo, ACTORS.adminGlobal, ACTORS.system]) {
      const r = create(twice, actor);
      if (!r.ok) throw new Error(r.refusal.code);
      expect(r.value.deal.team).toHaveLength(1);
    }
  });
});

describe('createDeal: who may create (R3)', () => {
  test('a location outside the user scope → LOCATION_OUT_OF_SCOPE naming it', () => {
    const r = refusal(validCreateInput('coSell', { locationId: OSAKA }), ACTORS.userNotOnTeam);
    expect(r.code).toBe('LOCATION_OUT_OF_SCOPE');
    expect(r.message.en).toContain(OSAKA);
    expect(r.message.ja).toContain(OSAKA);
    expect(refusal(validCreateInput('coSell'), ACTORS.adminOsaka).code).toBe('LOCATION_OUT_OF_SCOPE');
  });

  test('scope is checked even when other fields are bad (no field hints for a forbidden location)', () => {
    expect(refusal({ locationId: OSAKA }, ACTORS.userNotOnTeam).code).toBe('LOCATION_OUT_OF_SCOPE');
  });

  test('no role → NO_ROLE, with or without a location', () => {
    expect(refusal(validCreateInput('coSell'), ACTORS.userNoRole).code).toBe('NO_ROLE');
    expect(refusal({}, ACTORS.userNoRole).code).toBe('NO_ROLE');
  });
});

describe('createDeal: per-field validation (R13)', () => {
  test('an empty submission names every required field', () => {
    expect(fieldCodes({})).toEqual({
      dealType: 'required',
      customerId: 'required',
      name: 'required',
      locationId: 'required',
      value: 'required',
      currency: 'required',
      closeDate: 'required',
      notes: 'required',
      team: 'required',
      consent: 'mustConsent',
    });
  });

  test.each<[string, Record<string, unknown>, Record<string, string>]>([
    ['blank name', { name: '   ' }, { name: 'required' }],
    ['201-character name', { name: 'x'.repeat(201) }, { name: 'tooLong' }],
    ['blank notes', { notes: '' }, { notes: 'required' }],
    ['no team', { team: [] }, { team: 'atLeastOne' }],
    ['team member without phone', { team: [{ name: 'A', email: 'a@contoso.com' }] }, { 'team.0.phone': 'required' }],
    ['bad team e-mail', { team: [{ name: 'A', phone: '+81 3-1111-2222', email: 'a@' }] }, { 'team.0.email': 'invalidEmail' }],
    ['bad team phone', { team: [{ name: 'A', phone: '123', email: 'a@contoso.com' }] }, { 'team.0.phone': 'invalidPhone' }],
    ['letters in a phone', { team: [{ name: 'A', phone: '03-CALL-NOW', email: 'a@contoso.com' }] }, { 'team.0.phone': 'invalidPhone' }],
    ['bad contact e-mail', { contact: { email: 'not-an-email', consent: true } }, { 'contact.email': 'invalidEmail' }],
    ['bad contact phone', { contact: { phone: '12', consent: true } }, { 'contact.phone': 'invalidPhone' }],
    ['value 0', { value: 0 }, { value: 'notPositive' }],
    ['negative value', { value: -100 }, { value: 'notPositive' }],
    ['negative value as text', { value: '-1,000' }, { value: 'notPositive' }],
    ['value with three decimals', { value: 10.123 }, { value: 'tooManyDecimals' }],
    ['value that is not a number', { value: 'lots' }, { value: 'notANumber' }],
    ['huge value', { value: 1e14 }, { value: 'tooLarge' }],
    ['unknown currency', { currency: 'XYZ' }, { currency: 'invalidCurrency' }],
    ['malformed date', { closeDate: '30/06/2026' }, { closeDate: 'invalidDate' }],
    ['impossible date', { closeDate: '2026-02-30' }, { closeDate: 'invalidDate' }],
    ['close date in the past', { closeDate: '2026-03-09' }, { closeDate: 'dateInPast' }],
    ['consent unticked', { consent: false }, { consent: 'mustConsent' }],
    ['consent unticked (card string)', { consent: 'false' }, { consent: 'mustConsent' }],
    ['unknown deal type', { dealType: 'resale' }, { dealType: 'invalidChoice' }],
    ['CRM ID too long', { crmId: 'c'.repeat(101) }, { crmId: 'tooLong' }],
  ])('%s', (_name, patch, expected) => {
    expect(fieldCodes(validCreateInput('coSell', patch))).toEqual(expected);
  });

  test('the too-long message carries the limit in both languages', () => {
    const r = refusal(validCreateInput('coSell', { name: 'x'.repeat(201) }));
    expect(r.fieldErrors[0]?.message).toEqual({ en: 'At most 200 characters.', ja: '200 文字以内で入力してください。' });
  });

  test('a 200-character name is accepted', () => {
    expect(create(validCreateInput('coSell', { name: 'x'.repeat(200) })).ok).toBe(true);
  });

  test('the past date is judged against ctx.today (the actor’s day), not the UTC day of now', () => {
    // 20:00 UTC on 10 March is already 11 March in Tokyo.
    const lateEvening = ctxAt(new Date('2026-03-10T20:00:00Z'), { today: '2026-03-11' });
    expect(fieldCodes(validCreateInput('coSell', { closeDate: '2026-03-10' }), lateEvening)).toEqual({ closeDate: 'dateInPast' });
    expect(create(validCreateInput('coSell', { closeDate: '2026-03-11' }), ACTORS.userOnTeam, lateEvening).ok).toBe(true);
  });

  describe('solution assessment (R10)', () => {
    test.each<[string, Record<string, unknown>, Record<string, string>]>([
      ['a second solution', { solutions: [ELIGIBLE_SOLUTION] }, { solutions: 'noOtherSolution' }],
      ['an unknown assessment type', { assessmentType: 'Quantum Readiness' }, { assessmentType: 'invalidChoice' }],
      ['no assessment type', { assessmentType: '' }, { assessmentType: 'required' }],
      ['no assessment location', { assessmentLocation: undefined }, { assessmentLocation: 'required' }],
    ])('%s', (_name, patch, expected) => {
      expect(fieldCodes(validCreateInput('solutionAssessment', patch))).toEqual(expected);
    });

    test('every configured assessment type is accepted', () => {
      for (const assessmentType of CTX.config.assessmentTypes) {
        expect(create(validCreateInput('solutionAssessment', { assessmentType })).ok).toBe(true);
      }
    });
  });

  describe('co-sell (R10)', () => {
    test('no solution → solutions: atLeastOne', () => {
      expect(fieldCodes(validCreateInput('coSell', { solutions: [] }))).toEqual({ solutions: 'atLeastOne' });
    });
    test('an assessment type on a co-sell deal is refused', () => {
      expect(fieldCodes(validCreateInput('coSell', { assessmentType: 'Azure Express' }))).toEqual({ assessmentType: 'unknownField' });
    });
    test('several solutions are fine', () => {
      const r = create(validCreateInput('coSell', { solutions: [ELIGIBLE_SOLUTION, { id: 's2', name: 'Power BI' }] }));
      expect(r.ok && r.value.deal.solutions.length).toBe(2);
    });
  });

  describe('customer contact (R7)', () => {
    test('contact details without consent → contact.consent', () => {
      const contact = { name: 'Taro', phone: '03-1234-5678', email: 'taro@customer.example', consent: false };
      expect(fieldCodes(validCreateInput('coSell', { contact }))).toEqual({ 'contact.consent': 'contactNeedsConsent' });
    });

    test('even one contact detail needs the consent', () => {
      expect(fieldCodes(validCreateInput('coSell', { contact: { email: 'taro@customer.example' } }))).toEqual({
        'contact.consent': 'contactNeedsConsent',
      });
    });

    test('Microsoft help asked without contact → name, phone and e-mail required', () => {
      expect(fieldCodes(validCreateInput('coSell', { contact: { askMicrosoftHelp: true, consent: true } }))).toEqual({
        'contact.name': 'contactRequiredForHelp',
        'contact.phone': 'contactRequiredForHelp',
        'contact.email': 'contactRequiredForHelp',
      });
      expect(
        fieldCodes(validCreateInput('coSell', { contact: { askMicrosoftHelp: 'true', name: 'Taro', email: 'taro@customer.example', consent: 'true' } })),
      ).toEqual({ 'contact.phone': 'contactRequiredForHelp' });
    });

    test('a complete contact with consent and help is accepted', () => {
      const contact = { name: 'Taro', phone: '03-1234-5678', email: 'taro@customer.example', consent: true, askMicrosoftHelp: true };
      expect(create(validCreateInput('coSell', { contact })).ok).toBe(true);
    });
  });

  test('several bad fields are reported together, one error per field', () => {
    const codes = fieldCodes(
      validCreateInput('coSell', { name: '', value: -1, team: [{ name: 'A', phone: '1', email: 'x' }], closeDate: 'soon' }),
    );
    expect(codes).toEqual({ name: 'required', value: 'notPositive', 'team.0.phone': 'invalidPhone', 'team.0.email': 'invalidEmail', closeDate: 'invalidDate' });
  });
});

describe('receiveReferral (R14, R26)', () => {
  test('valid referrals are New / Received, inbound, expiring after the window', () => {
    for (const type of ['solutionAssessment', 'coSell'] as const) {
      const r = receiveReferral(validReferralInput(type), CTX);
      if (!r.ok) throw new Error(r.refusal.code);
      expect(r.value.deal).toMatchObject({ direction: 'inbound', type, status: 'New', substatus: 'Received', acceptedById: null });
      expect(r.value.deal.expiresAt).toEqual(new Date(NOW.getTime() + 14 * 86_400_000));
    }
  });

  test('bad referrals are refused per field', () => {
    const r = receiveReferral(validReferralInput('solutionAssessment', { value: 0, assessmentType: 'Nope', name: '' }), CTX);
    if (r.ok) throw new Error('expected a refusal');
    expect(Object.fromEntries(r.refusal.fieldErrors.map((e) => [e.field, e.code]))).toEqual({ value: 'notPositive', name: 'required' });
    const r2 = receiveReferral(validReferralInput('solutionAssessment', { assessmentType: 'Nope' }), CTX);
    if (r2.ok) throw new Error('expected a refusal');
    expect(r2.refusal.fieldErrors.map((e) => [e.field, e.code])).toEqual([['assessmentType', 'invalidChoice']]);
  });
});
