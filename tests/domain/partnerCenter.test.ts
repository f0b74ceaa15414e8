import {
  PARTNER_CENTER,
  SYSTEM,
  baseAfterInbound,
  decide,
  partnerCenterChange,
  pendingFields,
  SyncBaseSchema,
  type SyncBase,
  type SyncedFields,
} from '../../src/domain';
import { CTX, dealFrom } from './fixtures';

/**
 * Issue 13: Partner Center's changes reach a deal through the state machine as the Partner Center actor's
 * `partnerCenterUpdate`; what our rules refuse is kept as a refused change (shown on the card), never dropped.
 * The merge base decides what each side changed, so a value of theirs we did not take is never pushed back.
 */

const update = (deal: ReturnType<typeof dealFrom>, input: object, actor = PARTNER_CENTER) => decide(deal, { type: 'partnerCenterUpdate', input }, actor, CTX);

describe('partnerCenterUpdate', () => {
  test('only the Partner Center sync may report its changes', () => {
    const r = update(dealFrom('coSellAccepted'), { name: 'X' }, SYSTEM);
    expect(r.ok || r.refusal.code).toBe('SYSTEM_ONLY');
  });

  test('value, close date and name changed in Partner Center are applied to an active deal and recorded as theirs', () => {
    const r = update(dealFrom('coSellAccepted'), { value: 3_000_000, closeDate: '2026-09-30', name: 'Renamed' });
    if (!r.ok) throw new Error(r.refusal.code);
    expect(r.value.deal).toMatchObject({ value: 3_000_000, closeDate: '2026-09-30', name: 'Renamed', status: 'Active' });
    expect(r.value.events.map((e) => e.type)).toEqual(['DealEdited']);
  });

  test('a referral accepted in Partner Center becomes Active / Accepted, accepted by Partner Center', () => {
    const r = update(dealFrom('newCoSell'), { status: { status: 'Active', substatus: 'Accepted' } });
    if (!r.ok) throw new Error(r.refusal.code);
    expect(r.value.deal).toMatchObject({ status: 'Active', substatus: 'Accepted', stage: 'accepted', acceptedByName: 'Partner Center' });
  });

  test('a referral withdrawn by its sender (Closed / Lost) closes the New deal', () => {
    const r = update(dealFrom('newSa'), { status: { status: 'Closed', substatus: 'Lost', reason: 'Customer withdrew' } });
    if (!r.ok) throw new Error(r.refusal.code);
    expect(r.value.deal).toMatchObject({ status: 'Closed', substatus: 'Lost', closedByName: 'Partner Center', closeMessage: 'Customer withdrew' });
  });

  test('a closed deal is not reopened: the change is refused, recorded, and nothing else moves', () => {
    const r = update(dealFrom('wonCoSellEligibleInbound'), { status: { status: 'Active', substatus: 'Accepted' }, value: 1 });
    if (!r.ok) throw new Error(r.refusal.code);
    expect(r.value.deal).toMatchObject({ status: 'Closed', substatus: 'Won' });
    expect(r.value.deal.value).not.toBe(1);
    expect(r.value.effects.refusedPartnerCenterChanges?.map((c) => [c.field, c.code])).toEqual([
      ['status', 'DEAL_CLOSED'],
      ['value', 'DEAL_CLOSED'],
    ]);
    expect(r.value.events.map((e) => e.type)).toEqual(['PartnerCenterChangeRefused']);
  });

  test('Won from Partner Center before the four assessment stages is refused (R20)', () => {
    const r = update(dealFrom('saAfterData'), { status: { status: 'Closed', substatus: 'Won' } });
    if (!r.ok) throw new Error(r.refusal.code);
    expect(r.value.deal.status).toBe('Active');
    expect(r.value.effects.refusedPartnerCenterChanges?.[0]).toMatchObject({ field: 'status', code: 'STAGES_INCOMPLETE' });
  });

  test('a location change is refused (R8), the rest applied', () => {
    const r = update(dealFrom('coSellAccepted'), { locationId: 'elsewhere', value: 42 });
    if (!r.ok) throw new Error(r.refusal.code);
    expect(r.value.deal).toMatchObject({ value: 42, locationId: dealFrom('coSellAccepted').locationId });
    expect(r.value.effects.refusedPartnerCenterChanges?.[0]).toMatchObject({ field: 'location', code: 'IMMUTABLE_FIELD' });
  });

  test("Partner Center's expiry date replaces ours on a New referral", () => {
    const at = new Date('2026-03-20T00:00:00Z');
    const r = update(dealFrom('newSa'), { expiresAt: at.toISOString() });
    if (!r.ok) throw new Error(r.refusal.code);
    expect(r.value.deal.expiresAt).toEqual(at);
  });

  test('a note added in Partner Center is appended to the history', () => {
    const r = update(dealFrom('coSellAccepted'), { note: 'Customer asked for a call on Monday.' });
    if (!r.ok) throw new Error(r.refusal.code);
    expect(r.value.effects.newNotes).toEqual(['Customer asked for a call on Monday.']);
  });

  test('the same values again change nothing (an echo of our own push)', () => {
    const deal = dealFrom('coSellAccepted');
    const r = update(deal, { value: deal.value, name: deal.name });
    expect(r.ok || r.refusal.code).toBe('NOTHING_TO_CHANGE');
  });
});

const fields = (over: Partial<SyncedFields> = {}): SyncedFields => ({
  status: 'New',
  substatus: 'Received',
  name: 'Contoso',
  value: 100,
  currency: 'JPY',
  closeDate: '2026-06-30',
  expiresAt: null,
  notes: 'from Microsoft',
  team: [],
  contact: null,
  locationId: 'tokyo',
  ...over,
});

describe('the merge base', () => {
  test("their changes are the fields that differ from what they had; an unchanged field is not theirs to set", () => {
    const base = fields();
    expect(partnerCenterChange(base, fields({ value: 200, notes: 'from Microsoft\nCall Monday' }))).toEqual({ value: 200, note: 'Call Monday' });
  });

  test('our waiting change survives their change of another field, and is still pushed', () => {
    const base: SyncBase = { theirs: fields(), ours: fields() };
    const oursBefore = fields({ status: 'Active', substatus: 'Accepted' }); // accepted here, not yet pushed
    const theirs = fields({ value: 300 });
    const oursAfter = { ...oursBefore, value: 300 };
    const after = baseAfterInbound(base, theirs, oursBefore, oursAfter);
    expect(after.superseded).toEqual([]);
    expect(pendingFields(after.base, oursAfter)).toEqual(['status', 'substatus']);
  });

  test('their status change that replaced ours is reported as superseded and not pushed back', () => {
    const base: SyncBase = { theirs: fields(), ours: fields() };
    const oursBefore = fields({ status: 'Active', substatus: 'Accepted' });
    const theirs = fields({ status: 'Closed', substatus: 'Lost' });
    const oursAfter = fields({ status: 'Closed', substatus: 'Lost' });
    const after = baseAfterInbound(base, theirs, oursBefore, oursAfter);
    expect(after.superseded).toEqual(['status', 'substatus']);
    expect(pendingFields(after.base, oursAfter)).toEqual([]);
  });

  test("issue 14 §3: our contact change is pushed; theirs is not taken; a base from before contacts were synced reads as none", () => {
    const kenji = { name: 'Kenji Fabrikam', email: 'kenji@fabrikam.example', phone: '+81 3 9999 0000' };
    const base: SyncBase = { theirs: fields({ contact: kenji }), ours: fields({ contact: kenji }) };
    // The same person with the email in other case is no change; another phone is.
    expect(pendingFields(base, fields({ contact: { ...kenji, email: 'Kenji@Fabrikam.example' } }))).toEqual([]);
    expect(pendingFields(base, fields({ contact: { ...kenji, phone: '+81 3 1111 2222' } }))).toEqual(['contact']);
    expect(pendingFields(base, fields({ contact: null }))).toEqual(['contact']);
    expect(partnerCenterChange(base.theirs, fields({ contact: { ...kenji, name: 'Someone Else' } }))).toEqual({});
    const { contact: _dropped, ...before } = fields();
    const old = SyncBaseSchema.parse({ theirs: before, ours: before });
    expect(old.ours.contact).toBeNull();
    expect(pendingFields(old, fields({ contact: kenji }))).toEqual(['contact']);
  });

  test('a change of theirs our rules refused is not pushed back over theirs', () => {
    const base: SyncBase = { theirs: fields({ status: 'Active', substatus: 'Accepted' }), ours: fields({ status: 'Active', substatus: 'Accepted' }) };
    const ours = fields({ status: 'Active', substatus: 'Accepted' });
    const theirs = fields({ status: 'Closed', substatus: 'Won' }); // refused: stages incomplete
    const after = baseAfterInbound(base, theirs, ours, ours);
    expect(pendingFields(after.base, ours)).toEqual([]);
  });
});
