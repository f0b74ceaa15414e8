/** Specific behaviours of the state machine (SPEC R15–R24) and of its refusals. */
import {
  COMMAND_NAMES,
  EXPIRY,
  REFUSAL_MESSAGES,
  allowedActions,
  createDeal,
  decide,
  enabledActions,
  fieldLabel,
  formatDate,
  mapStage,
  receiveReferral,
  type Actor,
  type Command,
  type DealState,
  type Refusal,
  type RefusalCode,
  type Result,
} from '../../src/domain';
import {
  ACTORS,
  CTX,
  DAY_MS,
  FUTURE_DATE,
  JAPANESE,
  NOW,
  OWNER,
  PAST_DATE,
  TOKYO,
  UNFILLED,
  VALID_INPUT,
  ctxAt,
  dealFrom,
  deepFreeze,
  fixture,
  validCreateInput,
  validReferralInput,
} from './fixtures';

function refusalOf<T>(r: Result<T>): Refusal {
  if (r.ok) throw new Error(`expected a refusal, got ok: ${JSON.stringify(r.value).slice(0, 300)}`);
  return r.refusal;
}
function valueOf<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.refusal.code}: ${r.refusal.message.en} ${JSON.stringify(r.refusal.fieldErrors)}`);
  return r.value;
}

const run = (deal: DealState, command: Command, actor: Actor = ACTORS.adminGlobal, ctx = CTX) => decide(deal, command, actor, ctx);

function newReferral(type: 'coSell' | 'solutionAssessment' = 'coSell'): DealState {
  return { ...valueOf(receiveReferral(validReferralInput(type), CTX)).deal, id: 'deal-r1' };
}

// ---------------------------------------------------------------------------------------------------------------

describe('refusal messages', () => {
  /** One way to make the domain produce each code. */
  const TRIGGERS: Partial<Record<RefusalCode, () => Refusal>> = {
    INVALID_INPUT: () => refusalOf(run(fixture('saAccepted').deal, { type: 'edit', input: { value: -1 } })),
    NO_ROLE: () => refusalOf(run(fixture('saAccepted').deal, { type: 'win' }, ACTORS.userNoRole)),
    LOCATION_OUT_OF_SCOPE: () => refusalOf(run(fixture('saAccepted').deal, { type: 'win' }, ACTORS.adminOsaka)),
    NOT_ON_TEAM: () => refusalOf(run(fixture('saAccepted').deal, { type: 'edit', input: VALID_INPUT.edit }, ACTORS.userNotOnTeam)),
    REQUIRES_ADMIN: () =>
      refusalOf(run(fixture('wonSaPendingReview').deal, { type: 'reviewRegistration', input: VALID_INPUT.reviewRegistration }, ACTORS.userOnTeam)),
    DEAL_CLOSED: () => refusalOf(run(fixture('lostSa').deal, { type: 'edit', input: VALID_INPUT.edit })),
    NOT_A_REFERRAL: () => refusalOf(run(fixture('saAccepted').deal, { type: 'accept', input: VALID_INPUT.accept })),
    ALREADY_ACCEPTED: () => refusalOf(run(fixture('saInboundAccepted').deal, { type: 'decline', input: VALID_INPUT.decline })),
    ALREADY_DECLINED: () => refusalOf(run(fixture('declinedSa').deal, { type: 'accept', input: VALID_INPUT.accept })),
    ALREADY_EXPIRED: () => refusalOf(run(fixture('expiredCoSell').deal, { type: 'accept', input: VALID_INPUT.accept })),
    NOT_ACTIVE: () => refusalOf(run(fixture('newSa').deal, { type: 'edit', input: VALID_INPUT.edit })),
    NOT_DUE: () => refusalOf(run(fixture('newSa').deal, { type: 'expire' }, ACTORS.system)),
    IMMUTABLE_FIELD: () => refusalOf(run(fixture('saAccepted').deal, { type: 'edit', input: { locationId: 'x' } })),
    UNKNOWN_FIELD: () => refusalOf(run(fixture('saAccepted').deal, { type: 'edit', input: { colour: 'red' } })),
    NOTHING_TO_CHANGE: () => refusalOf(run(fixture('saAccepted').deal, { type: 'edit', input: { name: fixture('saAccepted').deal.name } })),
    STALE_VERSION: () => refusalOf(decide(fixture('coSellAccepted').deal, { type: 'win' }, ACTORS.adminGlobal, { ...CTX, expectedVersion: 1 })),
    STAGES_INCOMPLETE: () => refusalOf(run(fixture('saAfterData').deal, { type: 'win' })),
    STAGE_OUT_OF_ORDER: () => refusalOf(run(fixture('saAccepted').deal, { type: 'completeStage', input: { stage: 'collectData' } })),
    STAGE_ALREADY_COMPLETE: () => refusalOf(run(fixture('saAfterData').deal, { type: 'completeStage', input: { stage: 'secureCustomerLoe' } })),
    STAGE_NOT_FORWARD: () => refusalOf(run(fixture('coSellProposedInbound').deal, { type: 'setStage', input: { stage: 'developed' } })),
    STAGE_NOT_FOR_TYPE: () => refusalOf(run(fixture('coSellAccepted').deal, { type: 'completeStage', input: { stage: 'collectData' } })),
    UNKNOWN_STAGE: () => refusalOf(mapStage('Closing', 'coSell')),
    NOT_WON: () => refusalOf(run(fixture('saAfterPresent').deal, { type: 'register', input: VALID_INPUT.register })),
    REGISTRATION_NOT_ELIGIBLE: () => refusalOf(run(fixture('wonSaIneligible').deal, { type: 'register', input: VALID_INPUT.register })),
    REGISTRATION_EXISTS: () => refusalOf(run(fixture('wonSaApproved').deal, { type: 'register', input: VALID_INPUT.register })),
    NO_REGISTRATION: () => refusalOf(run(fixture('wonSaEligible').deal, { type: 'reviewRegistration', input: VALID_INPUT.reviewRegistration })),
    REGISTRATION_ALREADY_REVIEWED: () =>
      refusalOf(run(fixture('wonSaRejected').deal, { type: 'reviewRegistration', input: VALID_INPUT.reviewRegistration })),
    SYSTEM_ONLY: () => refusalOf(run(fixture('newSaDue').deal, { type: 'expire' }, ACTORS.adminGlobal)),
    OWN_REGISTRATION: () => {
      // Issue 14: an admin who submitted the registration cannot review it; another admin can.
      const pending = fixture('wonSaPendingReview').deal;
      const own = { ...pending, registration: { ...pending.registration!, submittedById: ACTORS.adminGlobal.id } };
      expect(run(own, { type: 'reviewRegistration', input: VALID_INPUT.reviewRegistration }, ACTORS.adminTokyo).ok).toBe(true);
      return refusalOf(run(own, { type: 'reviewRegistration', input: VALID_INPUT.reviewRegistration }, ACTORS.adminGlobal));
    },
  };
  /** Codes the domain defines for its callers (store, handlers) but never returns itself. */
  const FOR_CALLERS: RefusalCode[] = ['NOT_FOUND'];

  test('every code is either triggered here or explicitly left to callers', () => {
    const all = Object.keys(REFUSAL_MESSAGES).sort();
    expect([...Object.keys(TRIGGERS), ...FOR_CALLERS].sort()).toEqual(all);
  });

  test.each(Object.entries(TRIGGERS))('%s: produced with filled en and ja messages', (code, trigger) => {
    const r = trigger!();
    expect(r.code).toBe(code);
    for (const lang of ['en', 'ja'] as const) {
      expect(r.message[lang].length).toBeGreaterThan(3);
      expect(r.message[lang]).not.toMatch(UNFILLED);
    }
    expect(r.message.ja).toMatch(JAPANESE);
    expect(r.message.ja).not.toBe(r.message.en);
  });

  test.each(Object.entries(REFUSAL_MESSAGES))('%s has an en and a ja template with the same parameters', (_code, t) => {
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(t.en.trim()).not.toBe('');
    expect(t.ja).toMatch(JAPANESE);
    expect(params(t.ja)).toEqual(params(t.en));
  });

  test('ALREADY_ACCEPTED names the accepter, in both languages', () => {
    const r = TRIGGERS.ALREADY_ACCEPTED!();
    expect(r.message.en).toBe(`Already accepted by ${OWNER.name}.`);
    expect(r.message.ja).toContain(OWNER.name);
  });

  test('ALREADY_DECLINED names who declined; ALREADY_EXPIRED gives the date', () => {
    expect(TRIGGERS.ALREADY_DECLINED!().message.en).toContain(OWNER.name);
    // Issue 14: the date as each language writes it (Mar 9, 2026 / 2026年3月9日), not ISO.
    const expiredOn = new Date(NOW.getTime() - DAY_MS);
    expect(TRIGGERS.ALREADY_EXPIRED!().message.en).toContain(formatDate(expiredOn, 'en'));
    expect(TRIGGERS.ALREADY_EXPIRED!().message.ja).toContain(formatDate(expiredOn, 'ja'));
  });

  test('STAGES_INCOMPLETE names the next stage (en and ja labels)', () => {
    const r = TRIGGERS.STAGES_INCOMPLETE!(); // two done: next is Prepare assessment report
    expect(r.message.en).toContain('Prepare assessment report');
    expect(r.message.ja).toContain('評価レポートの準備');
    const fresh = refusalOf(run(fixture('saAccepted').deal, { type: 'win' }));
    expect(fresh.message.en).toContain('Secure customer LOE');
    const three = refusalOf(run(fixture('saAfterReport').deal, { type: 'win' }));
    expect(three.message.en).toContain('Present to customer');
  });

  test('STAGE_OUT_OF_ORDER and STAGE_ALREADY_COMPLETE name the stages and who completed', () => {
    const order = TRIGGERS.STAGE_OUT_OF_ORDER!();
    expect(order.message.en).toBe('Stages are completed in order: complete "Secure customer LOE" before "Collect data".');
    const again = TRIGGERS.STAGE_ALREADY_COMPLETE!();
    expect(again.message.en).toBe(`"Secure customer LOE" was already completed by ${OWNER.name}.`);
  });

  test('DEAL_CLOSED says which closed state, localised', () => {
    const r = TRIGGERS.DEAL_CLOSED!();
    expect(r.message.en).toContain('(Lost)');
    expect(r.message.ja).toContain('(失注)');
  });

  test('LOCATION_OUT_OF_SCOPE names the location', () => {
    expect(TRIGGERS.LOCATION_OUT_OF_SCOPE!().message.en).toContain(TOKYO);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('edit (R19)', () => {
  const deal = fixture('saAccepted').deal;

  test.each([
    ['locationId'],
    ['location'],
    ['assessmentType'],
    ['assessmentLocation'],
    ['solutions'],
    ['solution'],
    ['type'],
    ['direction'],
  ])('%s → IMMUTABLE_FIELD naming the field, nothing changes', (field) => {
    const r = refusalOf(run(deal, { type: 'edit', input: { name: 'New name', [field]: 'x' } }));
    expect(r.code).toBe('IMMUTABLE_FIELD');
    expect(r.params).toEqual({ field, fieldName: fieldLabel(field) });
    // Issue 14: the message names the field as users know it, never its id.
    expect(r.message.en).toBe(`${fieldLabel(field).en} cannot be changed after the deal is created.`);
    expect(r.message.ja).toBe(`${fieldLabel(field).ja}は取引の作成後に変更できません。`);
  });

  test.each([['colour'], ['stage'], ['status'], ['team'], ['notes'], ['version']])('%s → UNKNOWN_FIELD', (field) => {
    const r = refusalOf(run(deal, { type: 'edit', input: { [field]: 'x' } }));
    expect(r.code).toBe('UNKNOWN_FIELD');
    expect(r.message.en).toContain(fieldLabel(field).en);
  });

  test('editable fields change and are reported as changes; version +1', () => {
    const d = valueOf(
      run(deal, { type: 'edit', input: { name: '  Renamed  ', value: '2,000,000', currency: 'usd', closeDate: FUTURE_DATE, crmId: 'CRM-9', campaignId: 'C-1' } }),
    );
    expect(d.deal).toMatchObject({ name: 'Renamed', value: 2_000_000, currency: 'USD', closeDate: FUTURE_DATE, crmId: 'CRM-9', campaignId: 'C-1' });
    expect(d.deal.version).toBe(deal.version + 1);
    expect(d.events.map((e) => e.type)).toEqual(['DealEdited']);
    expect(Object.keys(d.events[0]!.data.changes as object).sort()).toEqual(['campaignId', 'closeDate', 'crmId', 'currency', 'name', 'value']);
    expect(d.effects.newNotes).toEqual([]);
  });

  test("issue 14 §3: the R7 contact is judged only when it changes; seller help keeps it whole", () => {
    const hidden = dealFrom('saAccepted', { contact: { name: 'Kenji', phone: null, email: null, consent: false, askMicrosoftHelp: false } });
    // A contact stored without consent (a sender's referral) does not stop an edit of something else…
    expect(valueOf(run(hidden, { type: 'edit', input: { name: 'Renamed', contactName: 'Kenji' } })).deal.contact.name).toBe('Kenji');
    // …but changing it asks for the consent, on the consent field.
    const refused = refusalOf(run(hidden, { type: 'edit', input: { contactPhone: '03-1234-5678' } }));
    expect(refused.fieldErrors.map((e) => [e.field, e.code])).toEqual([['contactConsent', 'contactNeedsConsent']]);
    const helped = dealFrom('saAccepted', { contact: { name: 'Kenji', phone: '03-1234-5678', email: 'k@fabrikam.example', consent: true, askMicrosoftHelp: true } });
    const cleared = refusalOf(run(helped, { type: 'edit', input: { contactPhone: '', contactEmail: null, closeDate: PAST_DATE } }));
    // Every problem at once (R13).
    expect(cleared.fieldErrors.map((e) => [e.field, e.code])).toEqual([
      ['closeDate', 'dateInPast'],
      ['contactPhone', 'contactRequiredForHelp'],
      ['contactEmail', 'contactRequiredForHelp'],
    ]);
    const withdrawn = valueOf(run(dealFrom('saAccepted', { contact: { ...helped.contact, askMicrosoftHelp: false } }), { type: 'edit', input: { contactName: '', contactPhone: '', contactEmail: '', contactConsent: 'false' } }));
    expect(withdrawn.deal.contact).toEqual({ name: null, phone: null, email: null, consent: false, askMicrosoftHelp: false });
  });

  test('an empty CRM ID clears it; an empty name leaves it unchanged', () => {
    const withCrm = dealFrom('saAccepted', { crmId: 'CRM-1' });
    const d = valueOf(run(withCrm, { type: 'edit', input: { crmId: '', name: '' } }));
    expect(d.deal.crmId).toBeNull();
    expect(d.deal.name).toBe(withCrm.name);
  });

  test('a note is appended as a new note (effects.newNotes), never overwriting the deal', () => {
    const d = valueOf(run(deal, { type: 'edit', input: { note: 'Second call: budget approved.' } }));
    expect(d.effects.newNotes).toEqual(['Second call: budget approved.']);
    expect(d.events.map((e) => e.type)).toEqual(['NoteAdded']);
    // Nothing else of the deal changed besides the version.
    expect({ ...d.deal, version: 0 }).toEqual({ ...deal, version: 0 });
    // A second note is another append.
    const d2 = valueOf(run(d.deal, { type: 'edit', input: { note: 'Third call.' } }));
    expect(d2.effects.newNotes).toEqual(['Third call.']);
    expect(d2.deal.version).toBe(deal.version + 2);
  });

  test('a change that changes nothing → NOTHING_TO_CHANGE', () => {
    expect(refusalOf(run(deal, { type: 'edit', input: {} })).code).toBe('NOTHING_TO_CHANGE');
    expect(refusalOf(run(deal, { type: 'edit', input: { value: deal.value, note: '  ' } })).code).toBe('NOTHING_TO_CHANGE');
  });

  test('a new close date in the past is refused per field; an old past date may stay', () => {
    const r = refusalOf(run(deal, { type: 'edit', input: { closeDate: PAST_DATE } }));
    expect(r.code).toBe('INVALID_INPUT');
    expect(r.fieldErrors.map((e) => [e.field, e.code])).toEqual([['closeDate', 'dateInPast']]);
    const overdue = dealFrom('saAccepted', { closeDate: '2026-01-31' });
    expect(valueOf(run(overdue, { type: 'edit', input: { name: 'Still open' } })).deal.closeDate).toBe('2026-01-31');
  });

  test('bad values are refused per field with ja and en messages', () => {
    const r = refusalOf(run(deal, { type: 'edit', input: { value: '12.345', name: 'x'.repeat(201), closeDate: '2026-02-30' } }));
    expect(r.code).toBe('INVALID_INPUT');
    expect(Object.fromEntries(r.fieldErrors.map((e) => [e.field, e.code]))).toEqual({
      value: 'tooManyDecimals',
      name: 'tooLong',
      closeDate: 'invalidDate',
    });
    expect(r.fieldErrors.find((e) => e.field === 'name')?.message).toEqual({ en: 'At most 200 characters.', ja: '200 文字以内で入力してください。' });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('optimistic concurrency', () => {
  const deal = fixture('coSellAccepted').deal;

  test('STALE_VERSION when the expected version differs; the current one passes', () => {
    for (const v of [deal.version - 1, deal.version + 1, 0]) {
      expect(refusalOf(decide(deal, { type: 'win' }, ACTORS.userOnTeam, { ...CTX, expectedVersion: v })).code).toBe('STALE_VERSION');
    }
    expect(valueOf(decide(deal, { type: 'win' }, ACTORS.userOnTeam, { ...CTX, expectedVersion: deal.version })).deal.version).toBe(deal.version + 1);
  });

  test('a stale click on a closed deal says it is closed (state first, then version)', () => {
    expect(refusalOf(decide(fixture('lostCoSellInbound').deal, { type: 'win' }, ACTORS.adminGlobal, { ...CTX, expectedVersion: 1 })).code).toBe(
      'DEAL_CLOSED',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('incoming referrals (R14–R18)', () => {
  test('a received referral is New/Received at 10 % with a 14-day window', () => {
    const deal = newReferral();
    expect(deal).toMatchObject({ direction: 'inbound', status: 'New', substatus: 'Received', stage: 'created', version: 1, team: [] });
    expect(deal.expiresAt?.getTime()).toBe(NOW.getTime() + 14 * DAY_MS);
  });

  test('expire before the window ends → NOT_DUE; at/after → Closed/Expired and the sender is notified', () => {
    const deal = newReferral();
    const justBefore = ctxAt(new Date(NOW.getTime() + 14 * DAY_MS - 1));
    expect(refusalOf(decide(deal, { type: 'expire' }, ACTORS.system, justBefore)).code).toBe('NOT_DUE');
    const after = ctxAt(new Date(NOW.getTime() + 15 * DAY_MS));
    const d = valueOf(decide(deal, { type: 'expire' }, ACTORS.system, after));
    expect(d.deal).toMatchObject({ status: 'Closed', substatus: 'Expired', closedAt: after.now, version: 2 });
    expect(d.effects.notifySender).toBe('expired');
    expect(d.events.map((e) => e.type)).toEqual(['ReferralExpired']);
  });

  test('the window is 14 days to the millisecond: at its end the referral expires', () => {
    const deal = newReferral();
    const atEnd = ctxAt(new Date(NOW.getTime() + 14 * DAY_MS));
    expect(valueOf(decide(deal, { type: 'expire' }, ACTORS.system, atEnd)).deal.substatus).toBe('Expired');
  });

  test('the set-based sweep (EXPIRY) writes what deciding expire on one referral writes', () => {
    const after = ctxAt(new Date(NOW.getTime() + 15 * DAY_MS));
    const d = valueOf(decide(newReferral(), { type: 'expire' }, ACTORS.system, after));
    expect({ status: d.deal.status, substatus: d.deal.substatus }).toEqual(EXPIRY.expired);
    expect(d.events.map((e) => e.type)).toEqual([EXPIRY.event]);
    expect(d.effects.notifySender).toBe(EXPIRY.notify);
    expect(newReferral().status).toBe(EXPIRY.dueStatus);
  });

  test('nobody but the system expires a referral', () => {
    const deal = newReferral();
    const after = ctxAt(new Date(NOW.getTime() + 15 * DAY_MS));
    for (const key of ['adminGlobal', 'adminTokyo', 'userOnTeam'] as const) {
      expect(refusalOf(decide(deal, { type: 'expire' }, ACTORS[key], after)).code).toBe('SYSTEM_ONLY');
    }
  });

  test('decline → Closed/Declined with reason and message; the sender is notified', () => {
    const d = valueOf(run(newReferral(), { type: 'decline', input: VALID_INPUT.decline }, ACTORS.userNotOnTeam));
    expect(d.deal).toMatchObject({
      status: 'Closed',
      substatus: 'Declined',
      closeReason: 'customerChoseAnotherVendor',
      closeMessage: 'They went with a local SI.',
      closedByName: ACTORS.userNotOnTeam.name,
    });
    expect(d.effects.notifySender).toBe('declined');
  });

  test('decline needs a reason from the Partner Center list', () => {
    const r = refusalOf(run(newReferral(), { type: 'decline', input: { reason: 'tooExpensive' } }));
    expect(r.code).toBe('INVALID_INPUT');
    expect(r.fieldErrors.map((e) => [e.field, e.code])).toEqual([['reason', 'invalidChoice']]);
  });

  test('accept → Active/Accepted at accepted, the accepter owns it, the note is the first note', () => {
    const d = valueOf(run(newReferral(), { type: 'accept', input: VALID_INPUT.accept }, ACTORS.userNotOnTeam));
    expect(d.deal).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
      stage: 'accepted',
      name: 'Contoso SAP migration',
      value: 1_500_000,
      closeDate: FUTURE_DATE,
      crmId: 'CRM-001',
      acceptedById: ACTORS.userNotOnTeam.id,
      acceptedByName: 'Ken Tanaka',
    });
    expect(d.effects.newNotes).toEqual([VALID_INPUT.accept.notes]);
    expect(d.effects.notifySender).toBeNull();
    // The accepter may now work the deal (R3 via ownership) …
    expect(enabledActions(d.deal, ACTORS.userNotOnTeam, CTX)).toContain('setStage');
    // … and a colleague who lost the race learns who won it (R18).
    const late = refusalOf(run(d.deal, { type: 'accept', input: VALID_INPUT.accept }, ACTORS.userOnTeam));
    expect(late.code).toBe('ALREADY_ACCEPTED');
    expect(late.message.en).toBe('Already accepted by Ken Tanaka.');
  });

  test('accept requires name and notes, and a close date not in the past', () => {
    const r = refusalOf(run(newReferral(), { type: 'accept', input: { ...VALID_INPUT.accept, name: ' ', notes: '' } }));
    expect(Object.fromEntries(r.fieldErrors.map((e) => [e.field, e.code]))).toEqual({ name: 'required', notes: 'required' });
    const past = refusalOf(run(newReferral(), { type: 'accept', input: { ...VALID_INPUT.accept, closeDate: PAST_DATE } }));
    expect(past.fieldErrors.map((e) => [e.field, e.code])).toEqual([['closeDate', 'dateInPast']]);
  });

  test('R18 race: the first of accept/decline/expire wins, the others are refused and change nothing', () => {
    const deal = deepFreeze(newReferral());
    const after = ctxAt(new Date(NOW.getTime() + 15 * DAY_MS));
    const within = ctxAt(new Date(NOW.getTime() + DAY_MS));
    const moves: [string, Command, Actor][] = [
      ['accept', { type: 'accept', input: { ...VALID_INPUT.accept, closeDate: '2026-12-31' } }, ACTORS.userOnTeam],
      ['decline', { type: 'decline', input: VALID_INPUT.decline }, ACTORS.userNotOnTeam],
      ['expire', { type: 'expire' }, ACTORS.system],
    ];
    const loserCode = { accept: 'ALREADY_ACCEPTED', decline: 'ALREADY_DECLINED', expire: 'ALREADY_EXPIRED' } as Record<string, string>;
    for (const [winner, command, actor] of moves) {
      // Accept and decline win inside the window; expiry wins once it has passed.
      const when = winner === 'expire' ? after : within;
      const won = valueOf(decide(deal, command, actor, { ...when, expectedVersion: 1 })).deal;
      for (const [loser, c2, a2] of moves) {
        if (loser === winner) continue;
        const r = refusalOf(decide(won, c2, a2, after));
        expect([winner, loser, r.code]).toEqual([winner, loser, loserCode[winner]]);
        // The stale card of the loser (version 1) is refused the same way, never STALE_VERSION first.
        expect(refusalOf(decide(won, c2, a2, { ...after, expectedVersion: 1 })).code).toBe(loserCode[winner]);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('permissions (R1–R4)', () => {
  test('a plain user is on the team by creator id, accepter id, team user id or team e-mail (any case)', () => {
    const plain = { ...ACTORS.userNotOnTeam } as Actor & { id: string };
    const base = dealFrom('coSellAccepted', { team: [], createdById: null, acceptedById: null });
    const can = (d: DealState) => run(d, { type: 'edit', input: VALID_INPUT.edit }, plain);
    expect(refusalOf(can(base)).code).toBe('NOT_ON_TEAM');
    expect(can({ ...base, createdById: plain.id }).ok).toBe(true);
    expect(can({ ...base, acceptedById: plain.id }).ok).toBe(true);
    expect(can({ ...base, team: [{ name: 'K', email: 'someone@else.com', phone: null, userId: plain.id }] }).ok).toBe(true);
    expect(can({ ...base, team: [{ name: 'K', email: 'KEN.TANAKA@contoso.com', phone: null, userId: null }] }).ok).toBe(true);
  });

  test('an actor without e-mail is not matched to a team member without e-mail', () => {
    const noMail = { ...ACTORS.userNotOnTeam, email: null } as Actor;
    const d = dealFrom('coSellAccepted', { team: [{ name: 'X', email: '', phone: null, userId: null }], createdById: null, acceptedById: null });
    expect(refusalOf(run(d, { type: 'win' }, noMail)).code).toBe('NOT_ON_TEAM');
  });

  test('a user cannot take a deal out of its own team: after removing themselves they lose access', () => {
    const d = dealFrom('coSellAccepted', { createdById: null, acceptedById: null });
    const r = valueOf(run(d, { type: 'setTeam', input: { team: [VALID_INPUT.setTeam.team[0]] } }, ACTORS.userOnTeam));
    expect(r.effects.teamChanged).toBe(true);
    expect(r.events[0]?.data).toMatchObject({ added: ['Sora Inoue'], removed: expect.arrayContaining(['Hana Suzuki', 'Jun Ito']) });
    expect(refusalOf(run(r.deal, { type: 'win' }, ACTORS.userOnTeam)).code).toBe('NOT_ON_TEAM');
  });

  test('setTeam needs at least one complete member', () => {
    const deal = fixture('coSellAccepted').deal;
    expect(refusalOf(run(deal, { type: 'setTeam', input: { team: [] } })).fieldErrors.map((e) => [e.field, e.code])).toEqual([['team', 'atLeastOne']]);
    const r = refusalOf(run(deal, { type: 'setTeam', input: { team: [{ name: 'A', phone: '', email: 'a@b.co' }] } }));
    expect(r.fieldErrors.map((e) => [e.field, e.code])).toEqual([['team.0.phone', 'required']]);
  });

  test('permission refusals come before input validation (a forged payload learns nothing about fields)', () => {
    const deal = fixture('coSellAccepted').deal;
    expect(refusalOf(run(deal, { type: 'lose', input: { reason: 'nope' } }, ACTORS.userNotOnTeam)).code).toBe('NOT_ON_TEAM');
    expect(refusalOf(run(deal, { type: 'lose', input: { reason: 'nope' } }, ACTORS.adminOsaka)).code).toBe('LOCATION_OUT_OF_SCOPE');
  });

  test('unknown or prototype command names are refused as INVALID_INPUT, not thrown', () => {
    const deal = fixture('coSellAccepted').deal;
    for (const type of ['fly', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const r = decide(deal, { type: type as Command['type'], input: {} }, ACTORS.adminGlobal, CTX);
      expect(refusalOf(r).code).toBe('INVALID_INPUT');
    }
  });

  test('non-object inputs are refused as INVALID_INPUT', () => {
    const deal = fixture('coSellAccepted').deal;
    for (const input of ['lose', 42, [], null]) {
      expect(refusalOf(run(deal, { type: 'lose', input })).code).toBe('INVALID_INPUT');
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('stages, winning and registration (R20–R23)', () => {
  test('an SA deal walks the four stages in order, each recording who and when, then wins at 100 %', () => {
    let deal = valueOf(createDeal(validCreateInput('solutionAssessment'), ACTORS.userOnTeam, CTX)).deal;
    const order = ['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer'] as const;
    order.forEach((stage, i) => {
      expect(refusalOf(run(deal, { type: 'win' }, ACTORS.userOnTeam)).code).toBe('STAGES_INCOMPLETE');
      const at = new Date(NOW.getTime() + i * DAY_MS);
      const d = valueOf(decide(deal, { type: 'completeStage', input: { stage } }, ACTORS.userOnTeam, ctxAt(at)));
      expect(d.effects.completion).toEqual({ stage, byId: ACTORS.userOnTeam.id, byName: 'Hana Suzuki', at });
      expect(d.deal.stage).toBe(stage);
      deal = d.deal;
    });
    expect(deal.completions.map((c) => c.stage)).toEqual(order);
    const won = valueOf(run(deal, { type: 'win' }, ACTORS.userOnTeam));
    expect(won.deal).toMatchObject({ status: 'Closed', substatus: 'Won', stage: 'won', version: 6 });
  });

  test('co-sell: stages are optional and forward only; Won from accepted', () => {
    const deal = valueOf(createDeal(validCreateInput('coSell'), ACTORS.userOnTeam, CTX)).deal;
    const neg = valueOf(run(deal, { type: 'setStage', input: { stage: 'negotiated' } }, ACTORS.userOnTeam)).deal;
    expect(neg.stage).toBe('negotiated');
    expect(refusalOf(run(neg, { type: 'setStage', input: { stage: 'qualified' } })).code).toBe('STAGE_NOT_FORWARD');
    expect(valueOf(run(deal, { type: 'win' }, ACTORS.userOnTeam)).deal.substatus).toBe('Won');
  });

  test('lose needs a reason and records it; from any active stage', () => {
    expect(refusalOf(run(fixture('saAfterData').deal, { type: 'lose', input: {} })).fieldErrors.map((e) => e.field)).toEqual(['reason']);
    const d = valueOf(run(fixture('saAfterData').deal, { type: 'lose', input: { reason: 'other', note: 'Reorg' } }));
    expect(d.deal).toMatchObject({ status: 'Closed', substatus: 'Lost', stage: 'lost', closeReason: 'other', closeMessage: 'Reorg' });
    expect(d.events[0]?.data).toMatchObject({ from: 'collectData' });
  });

  test('register on an eligible Won deal → Pending review; a review is recorded by an admin', () => {
    const reg = valueOf(run(fixture('wonSaEligible').deal, { type: 'register', input: VALID_INPUT.register }, ACTORS.userOnTeam));
    expect(reg.deal.registration).toMatchObject({
      status: 'PendingReview',
      contractValue: 4_800_000,
      deployedOnAzure: true,
      marketplaceTransaction: false,
      submittedByName: 'Hana Suzuki',
    });
    expect(reg.effects.registrationChanged).toBe(true);
    expect({ ...reg.deal, registration: null, version: 0 }).toEqual({ ...fixture('wonSaEligible').deal, version: 0 });
    const rev = valueOf(run(reg.deal, { type: 'reviewRegistration', input: { outcome: 'ActionRequired', note: 'Missing PO' } }, ACTORS.adminTokyo));
    expect(rev.deal.registration).toMatchObject({ status: 'ActionRequired', reviewNote: 'Missing PO', reviewedByName: 'Tokyo Admin' });
    // Action required: the registration may be submitted again.
    expect(valueOf(run(rev.deal, { type: 'register', input: VALID_INPUT.register }, ACTORS.userOnTeam)).deal.registration?.status).toBe('PendingReview');
  });

  test('registration details are validated per field', () => {
    const r = refusalOf(
      run(fixture('wonSaEligible').deal, {
        type: 'register',
        input: { ...VALID_INPUT.register, contractValue: 0, contractEndDate: '2026-03-31', deployedOnAzure: 'maybe' },
      }),
    );
    expect(Object.fromEntries(r.fieldErrors.map((e) => [e.field, e.code]))).toEqual({ contractValue: 'notPositive', deployedOnAzure: 'invalid' });
    const order = refusalOf(run(fixture('wonSaEligible').deal, { type: 'register', input: { ...VALID_INPUT.register, contractEndDate: '2026-03-31' } }));
    expect(order.fieldErrors.map((e) => [e.field, e.code])).toEqual([['contractEndDate', 'endBeforeStart']]);
  });

  test('every command on the table has a schema (no command left unvalidated)', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(
      ['accept', 'completeStage', 'decline', 'edit', 'expire', 'lose', 'partnerCenterUpdate', 'register', 'reviewRegistration', 'setStage', 'setTeam', 'win'].sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('buttons', () => {
  const shown = (name: string, actor: Actor = ACTORS.adminGlobal) => allowedActions(fixture(name).deal, actor, CTX).map((a) => a.action);

  test('cards offer the actions in a fixed order: answer, stages, close, edit, register', () => {
    expect(shown('newSa')).toEqual(['accept', 'decline']);
    expect(shown('saAccepted')).toEqual(['completeStage', 'win', 'lose', 'edit', 'setTeam']);
    expect(shown('coSellAccepted')).toEqual(['setStage', 'win', 'lose', 'edit', 'setTeam']);
    expect(shown('wonSaPendingReview')).toEqual(['register', 'reviewRegistration']);
    expect(shown('lostSa')).toEqual([]);
  });

  test('the sweeper\'s expire is never a button, even for the system on a due referral', () => {
    expect(shown('newSaDue', ACTORS.system)).not.toContain('expire');
  });
});
