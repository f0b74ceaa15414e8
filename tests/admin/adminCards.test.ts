import { adminPanelCard, bootstrapOfferCard, locationsListCard, noRoleCard, peopleListCard, type AdminPanelInput } from '../../cards/adminCard';
import type { Locale } from '../../cards/i18n';
import { rendererProblems } from '../helpers/adaptiveCards';
import { cardText } from '../helpers/teams';


const full: AdminPanelInput = {
  locations: [
    { id: 'contoso-jp-tokyo', name: 'Contoso Japan – Tokyo', country: 'JP', deals: 3, people: 2 },
    { id: 'contoso-jp-osaka', name: 'Contoso Japan – Osaka', country: null, deals: 0, people: 0 },
  ],
  people: Array.from({ length: 45 }, (_, i) => ({
    id: `u${i}`,
    name: `Person ${i}`,
    email: i % 2 ? `p${i}@contoso.example` : null,
    role: i === 0 ? ('admin' as const) : i < 10 ? ('user' as const) : null,
    global: i === 0,
    locations: i > 0 && i < 10 ? ['contoso-jp-tokyo'] : [],
  })),
  routes: [
    { locationId: 'contoso-jp-tokyo', locationName: 'Contoso Japan – Tokyo', conversationId: '19:deals@thread.tacv2', conversationKind: 'channel', broken: false, brokenAt: null },
    { locationId: 'contoso-jp-osaka', locationName: 'Contoso Japan – Osaka', conversationId: '19:osaka@thread.tacv2', conversationKind: 'channel', broken: true, brokenAt: new Date('2026-11-20T00:00:00Z') },
  ],
  viewerIsGlobal: true,
  grantableLocations: [],
  notice: { kind: 'good', text: 'Done.' },
};
const empty: AdminPanelInput = { locations: [], people: [], routes: [], viewerIsGlobal: true, grantableLocations: [] };
const tokyoAdmin: AdminPanelInput = { ...full, viewerIsGlobal: false, grantableLocations: ['contoso-jp-tokyo'], notice: undefined };

describe.each<Locale>(['en', 'ja'])('admin cards (%s)', (locale) => {
  test.each([
    ['panel, everything', adminPanelCard(full, locale)],
    ['panel, fresh install', adminPanelCard(empty, locale)],
    ['panel, location admin', adminPanelCard(tokyoAdmin, locale)],
    ['people', peopleListCard(full.people, locale)],
    ['people, none', peopleListCard([], locale)],
    ['locations', locationsListCard(full.locations, locale)],
    ['locations, none', locationsListCard([], locale)],
    ['offer', bootstrapOfferCard(locale)],
    ['no role', noRoleCard(['Aiko Admin'], locale)],
  ])('%s: valid, bound, under 80 KB', (_name, card) => {
    expect(rendererProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(80 * 1024);
  });
});

test('the panel caps people, shows broken routes, and offers location changes to global admins only', () => {
  const text = cardText(adminPanelCard(full, 'en'));
  expect(text).toContain('…and 5 more. Type "people" for everyone.');
  expect(text).toContain('broken since Nov 20, 2026');
  const json = JSON.stringify(adminPanelCard(tokyoAdmin, 'en'));
  expect(json).not.toContain('admin.addLocation');
  expect(json).not.toContain('"roleGlobal"');
  expect(json).toContain('admin.setRole');
  // A Tokyo admin can only pick Tokyo for a role.
  expect(json).toContain('"value":"contoso-jp-tokyo"');
  expect(json).not.toContain('"value":"contoso-jp-osaka"');
});
