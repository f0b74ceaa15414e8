import {
  PcReferralPatchSchema,
  PcReferralSchema,
  customerIdsOf,
  targetLocationOf,
  toJsonPatch,
} from '../../src/services/partnerCenter/referral';

/** A referral as Partner Center returns it today: more fields than documented, nulls, ids as a list, 7-digit fractions. */
const asReturned = {
  id: '0b6c2f0e-4f43-4c59-9a43-0d1e6f2b7a11',
  engagementId: '6b1f0f5e-9f64-4b8e-8f0c-1c2d3e4f5a6b',
  name: 'Fabrikam migration',
  organizationId: 'c8f9d2a1-0000-4000-8000-000000000001',
  organizationName: 'Contoso Partner KK',
  externalReferenceId: null,
  createdDateTime: '2025-03-01T01:02:03.1234567Z',
  updatedDateTime: '2025-03-02T04:05:06.7654321Z',
  expirationDateTime: '2025-03-15T01:02:03.1234567Z',
  status: 'New',
  substatus: 'Pending',
  statusReason: null,
  qualification: 'SalesQualified',
  type: 'Shared',
  eTag: '"0b00c0de-0000-0100-0000-65e1f0a00000"',
  salesStage: null,
  direction: 'Incoming',
  target: [{ type: 'BusinessProfileLocation', id: 'loc-4711' }],
  customerProfile: {
    name: 'Fabrikam KK',
    size: '',
    isMatchingComplete: true,
    address: { addressLine1: '1-2-3 Otemachi', addressLine2: null, city: 'Chiyoda-ku', state: 'Tokyo', postalCode: '100-0004', country: 'JP', region: null },
    team: [{ firstName: 'Hanako', lastName: 'Sato', email: 'hanako@fabrikam.example', phoneNumber: null, title: null, contactPreference: { locale: null, disableNotifications: true } }],
    ids: [
      { profileType: 'Duns', id: '123456789' },
      { profileType: 'External', id: '' },
    ],
  },
  consent: { consentToToShareInfoWithOthers: true, consentToContact: true, consentToShareReferralWithMicrosoftSellers: false },
  details: {
    notes: null,
    dealValue: 120000,
    currency: 'JPY',
    closingDateTime: '2025-06-30T00:00:00Z',
    customerRequestedContact: null,
    requirements: {
      industries: [{ id: 'Manufacturing' }],
      products: [],
      services: [],
      solutions: [{ id: 'SOL-1', name: null, type: 'Name', price: null, quantity: null, currency: null, publisherName: null, solutionType: null, closingDateTime: null }],
      additionalRequirements: { iot: { azureCertifiedDevice: false } },
    },
  },
  team: [],
  inviteContext: { notes: 'Please call back', assistanceRequestCode: 'Unknown', invitedMpnId: null, invitedBy: { organizationId: 'x', organizationName: 'Microsoft' } },
  links: { self: { uri: 'https://api.partner.microsoft.com/v1.0/engagements/referrals/0b6c2f0e-4f43-4c59-9a43-0d1e6f2b7a11', method: 'GET' } },
  registrations: [],
};

describe('PcReferralSchema', () => {
  it('reads a referral as Partner Center returns it, keeping the fields it does not know', () => {
    const r = PcReferralSchema.parse(asReturned);
    expect(r.status).toBe('New');
    expect(r.details?.dealValue).toBe(120000);
    expect((r as Record<string, unknown>).organizationName).toBe('Contoso Partner KK');
    expect(customerIdsOf(r)).toEqual({ Duns: '123456789' });
    expect(targetLocationOf(r)).toBe('loc-4711');
  });

  it('reads the documented object form of customer ids too', () => {
    const r = PcReferralSchema.parse({ ...asReturned, customerProfile: { ...asReturned.customerProfile, ids: { CRMID: 'crm-1', Duns: null } } });
    expect(customerIdsOf(r)).toEqual({ CRMID: 'crm-1' });
  });

  it('reads a minimal referral (the documented list sample has no team, consent or eTag)', () => {
    const r = PcReferralSchema.parse({
      id: 'c1',
      status: 'Active',
      substatus: 'Accepted',
      createdDateTime: '2020-10-30T21:03:00.0000000Z',
      updatedDateTime: '2020-10-30T21:03:00.0000000Z',
      details: { dealValue: '10000', currency: 'USD' },
    });
    expect(r.details?.dealValue).toBe(10000);
    expect(targetLocationOf(r)).toBeNull();
  });

  it('refuses a status Partner Center does not document, naming the field', () => {
    const res = PcReferralSchema.safeParse({ ...asReturned, status: 'Open' });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.path).toEqual(['status']);
  });
});

describe('toJsonPatch', () => {
  it('turns a patch into replace/add operations (the only two Microsoft supports)', () => {
    expect(
      toJsonPatch({
        status: 'Closed',
        substatus: 'Won',
        details: { dealValue: 10000, notes: 'Signed' },
        teamAdd: [{ firstName: 'Jane', lastName: 'Doe', email: 'jane@contoso.example', phoneNumber: '0000000001' }],
      }),
    ).toEqual([
      { op: 'replace', path: '/status', value: 'Closed' },
      { op: 'replace', path: '/substatus', value: 'Won' },
      { op: 'replace', path: '/details/dealValue', value: 10000 },
      { op: 'replace', path: '/details/notes', value: 'Signed' },
      { op: 'add', path: '/team/-', value: { firstName: 'Jane', lastName: 'Doe', email: 'jane@contoso.example', phoneNumber: '0000000001' } },
    ]);
  });

  it('refuses a substatus that does not belong to its status, and unknown fields', () => {
    const wrongPair = PcReferralPatchSchema.safeParse({ status: 'Active', substatus: 'Won' });
    expect(wrongPair.success).toBe(false);
    expect(wrongPair.error?.issues[0]?.path).toEqual(['substatus']);
    expect(PcReferralPatchSchema.safeParse({ substatus: 'Won' }).success).toBe(false);
    expect(PcReferralPatchSchema.safeParse({ location: 'x' }).success).toBe(false);
  });
});
