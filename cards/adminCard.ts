import { LIST_SEPARATOR, OFFERED_TIME_ZONES, defaultZoneFor, formatDate } from '../src/domain';
import type { Notice } from './dealCard';
import { t, type Locale, type MessageKey } from './i18n';
import { messageCard } from './messageCard';
import { renderCard, type AdaptiveCard } from './render';
import listTemplate from './templates/adminList.json';
import offerTemplate from './templates/adminOffer.json';
import panelTemplate from './templates/adminPanel.json';

/** The administration cards: the admin panel, the people and location lists, the first-admin offer, no-role. */

export interface PersonView {
  id: string;
  name: string;
  email: string | null;
  role: 'admin' | 'user' | null;
  global: boolean;
  locations: string[];
}

export interface LocationView {
  id: string;
  name: string;
  country: string | null;
  timeZone?: string | null;
  deals: number;
  people: number;
}

export interface RouteView {
  locationId: string;
  locationName: string;
  conversationId: string;
  conversationKind: string;
  broken: boolean;
  brokenAt: Date | null;
}

/** Panel rows are capped: a Teams message must stay well under its size limit (the full list is `people`). */
export const PANEL_PEOPLE_LIMIT = 40;
const CHOICE_LIMIT = 100;

export function roleLabel(role: PersonView['role'], locale: Locale): string {
  return t(locale, role === 'admin' ? 'admin.role.admin' : role === 'user' ? 'admin.role.user' : 'admin.role.none');
}

export function scopeLabel(p: { role: PersonView['role']; global: boolean; locations: string[] }, locale: Locale): string {
  if (p.role === null) return '—';
  if (p.global) return t(locale, 'admin.scope.global');
  return p.locations.length ? p.locations.join(', ') : t(locale, 'admin.scope.none');
}

/** "email · role · scope": the same order in both languages, only the words are translated. */
function personLine(p: PersonView, locale: Locale): string {
  return [p.email, roleLabel(p.role, locale), scopeLabel(p, locale)].filter((x): x is string => !!x).join(LIST_SEPARATOR[locale]);
}

function locationLine(l: LocationView, locale: Locale): string {
  return t(locale, 'admin.locations.line', {
    id: l.id,
    country: l.country ?? t(locale, 'admin.locations.noCountry'),
    zone: l.timeZone ?? t(locale, 'admin.locations.defaultZone', { zone: defaultZoneFor(l.country) }),
    deals: l.deals,
    people: l.people,
  });
}

export interface AdminPanelInput {
  locations: LocationView[];
  people: PersonView[];
  routes: RouteView[];
  /** Global admins change locations and may grant global scope. */
  viewerIsGlobal: boolean;
  /** Locations the viewer may grant (all for a global admin). */
  grantableLocations: string[];
  notice?: Notice;
}

export function adminPanelCard(input: AdminPanelInput, locale: Locale): AdaptiveCard {
  const { locations, people, routes, viewerIsGlobal } = input;
  const shown = people.slice(0, PANEL_PEOPLE_LIMIT);
  const grantable = locations.filter((l) => viewerIsGlobal || input.grantableLocations.includes(l.id));
  const personChoices = people.slice(0, CHOICE_LIMIT).map((p) => ({ title: p.email ? `${p.name} (${p.email})` : p.name, value: p.id }));
  const data = {
    notice: { text: input.notice?.text ?? '', style: input.notice?.kind ?? 'default' },
    labels: {
      title: t(locale, 'admin.panel.title'),
      locations: t(locale, 'admin.panel.locations'),
      people: t(locale, 'admin.panel.people'),
      routes: t(locale, 'admin.panel.routes'),
      noLocations: t(locale, 'admin.panel.noLocations'),
      noRoutes: t(locale, 'admin.panel.noRoutes'),
      morePeople: people.length > shown.length ? t(locale, 'admin.panel.morePeople', { count: people.length - shown.length }) : '',
      hint: viewerIsGlobal ? '' : t(locale, 'admin.panel.readOnlyHint'),
      setRole: t(locale, 'admin.form.setRole'),
      person: t(locale, 'admin.form.person'),
      pickPerson: t(locale, 'admin.error.pickPerson'),
      role: t(locale, 'admin.form.role'),
      roleUser: t(locale, 'admin.role.user'),
      roleAdmin: t(locale, 'admin.role.admin'),
      roleNone: t(locale, 'admin.form.roleNone'),
      global: t(locale, 'admin.form.global'),
      locationsInput: t(locale, 'admin.form.locations'),
      save: t(locale, 'admin.form.save'),
      addLocation: t(locale, 'admin.form.addLocation'),
      locationId: t(locale, 'admin.form.locationId'),
      locationName: t(locale, 'admin.form.locationName'),
      country: t(locale, 'admin.form.country'),
      add: t(locale, 'admin.form.add'),
      location: t(locale, 'admin.form.location'),
      newName: t(locale, 'admin.form.newName'),
      rename: t(locale, 'admin.form.rename'),
      changeLocation: t(locale, 'admin.form.changeLocation'),
      timeZone: t(locale, 'admin.form.timeZone'),
      setZone: t(locale, 'admin.form.setZone'),
      zoneHint: t(locale, 'admin.form.zoneHint'),
      removeLocation: t(locale, 'admin.form.removeLocation'),
      remove: t(locale, 'admin.form.remove'),
      reload: t(locale, 'admin.form.reload'),
      required: t(locale, 'admin.form.required'),
    },
    locations: locations.map((l) => ({ title: l.name, subtitle: locationLine(l, locale) })),
    people: shown.map((p) => ({ title: p.name, subtitle: personLine(p, locale) })),
    routes: routes.map((r) => ({
      title: r.locationName,
      subtitle: [
        ['channel', 'groupChat', 'personal'].includes(r.conversationKind) ? t(locale, `route.kind.${r.conversationKind}` as MessageKey) : r.conversationKind,
        r.broken ? t(locale, 'admin.panel.routeBroken', { date: r.brokenAt ? formatDate(r.brokenAt, locale, locale === 'ja' ? 'Asia/Tokyo' : 'UTC') : '?' }) : t(locale, 'admin.panel.routeOk'),
      ].join(LIST_SEPARATOR[locale]),
    })),
    canSetRoles: personChoices.length > 0,
    canGrantGlobal: viewerIsGlobal,
    canEditLocations: viewerIsGlobal,
    personChoices,
    zoneChoices: OFFERED_TIME_ZONES.map((z) => ({ title: z, value: z })),
    locationChoices: (viewerIsGlobal ? locations : grantable).slice(0, CHOICE_LIMIT).map((l) => ({ title: `${l.name} (${l.id})`, value: l.id })),
  };
  return renderCard(panelTemplate, data);
}

export function peopleListCard(people: PersonView[], locale: Locale): AdaptiveCard {
  return renderCard(listTemplate, {
    title: t(locale, 'admin.people.title'),
    empty: people.length ? '' : '—',
    rows: people.map((p) => ({ title: p.name, subtitle: personLine(p, locale) })),
    footer: '',
  });
}

export function locationsListCard(locations: LocationView[], locale: Locale): AdaptiveCard {
  return renderCard(listTemplate, {
    title: t(locale, 'admin.locations.title'),
    empty: locations.length ? '' : t(locale, 'admin.panel.noLocations'),
    rows: locations.map((l) => ({ title: l.name, subtitle: locationLine(l, locale) })),
    footer: '',
  });
}

export function bootstrapOfferCard(locale: Locale): AdaptiveCard {
  return renderCard(offerTemplate, {
    title: t(locale, 'admin.offer.title'),
    text: t(locale, 'admin.offer.text'),
    confirm: t(locale, 'admin.offer.confirm'),
    decline: t(locale, 'admin.offer.decline'),
  });
}

/** R1: someone without a role may only ask for help; the card names whom to ask. */
export function noRoleCard(adminNames: string[], locale: Locale): AdaptiveCard {
  const ask = adminNames.length ? t(locale, 'admin.noRole.askAdmins', { names: adminNames.join(', ') }) : t(locale, 'admin.noRole.noAdmins');
  return messageCard(t(locale, 'admin.noRole.title'), [ask, t(locale, 'admin.noRole.help')], 'attention');
}

export function adminErrorCard(message: string, locale: Locale, usage?: string): AdaptiveCard {
  return messageCard(t(locale, 'admin.error.title'), [message, usage ?? ''], 'attention');
}

export function adminDoneCard(message: string, locale: Locale): AdaptiveCard {
  return messageCard(t(locale, 'admin.done.title'), [message], 'good');
}
