import { catalog } from '../../cards/i18n';
import { ADMIN_REFUSAL_MESSAGES, REFUSAL_MESSAGES, fill } from '../../src/domain';
import { seedBasics, TOKYO, OSAKA, validCreateInput } from '../helpers/fixtures';
import { teamsUser, type TeamsUser } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { click, knowMember, say, verbsOf } from './helpers';

const en = catalog('en');
const ja = catalog('ja');

/** The seeded people (tests/helpers/fixtures) as they appear in Teams. */
const AIKO = teamsUser('Aiko Admin', 'aad-admin'); // global admin
const TARO = teamsUser('Taro Tokyo-Admin', 'aad-tokyoadmin'); // admin of Tokyo
const YUKI = teamsUser('Yuki Tokyo', 'aad-tokyouser'); // user of Tokyo
const HANA = teamsUser('Hana Osaka', 'aad-osakauser'); // user of Osaka
const NOBU = teamsUser('Nobu Norole', 'aad-nobody'); // no role

const userBy = (app: TestApp, aad: string) => app.db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: aad }, include: { locations: true } });
const scopeOf = async (app: TestApp, aad: string) => {
  const u = await userBy(app, aad);
  return { role: u.role, global: u.globalScope, locations: u.locations.map((l) => l.locationId).sort() };
};
const msg = (code: keyof typeof ADMIN_REFUSAL_MESSAGES, params: Record<string, string | number>, lang: 'en' | 'ja' = 'en') =>
  fill(ADMIN_REFUSAL_MESSAGES[code][lang], params);

describe('admin commands through /api/messages', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const { customer, actors } = await seedBasics(app.db.prisma);
    const created = await app.app.services.commands.create(validCreateInput(customer.id, actors.tokyoUser), actors.tokyoUser);
    if (!created.ok) throw new Error(created.refusal.code);
  });
  afterAll(() => app?.close());

  describe('locations', () => {
    test('`locations` / `場所` list them, in the user language', async () => {
      const enList = await say(app, 'locations', { from: AIKO });
      expect(enList.text).toContain(en['admin.locations.title']);
      expect(enList.text).toContain('Contoso Japan – Tokyo');
      expect(enList.text).toContain(`${TOKYO} · JP · Asia/Tokyo (default) · deals: 1`);
      const jaList = await say(app, '場所', { from: AIKO, locale: 'ja-JP' });
      expect(jaList.text).toContain(ja['admin.locations.title']);
      expect(jaList.text).toContain(`${OSAKA}・JP・Asia/Tokyo (既定)・取引: 0`);
    });

    test('`add location` adds one (country from the last word), audited with dealId null', async () => {
      const said = await say(app, 'add location contoso-jp-nagoya Contoso Japan Nagoya JP', { from: AIKO });
      expect(said.text).toContain('Location "Contoso Japan Nagoya" (contoso-jp-nagoya) added.');
      expect(await app.db.prisma.location.findUnique({ where: { id: 'contoso-jp-nagoya' } })).toMatchObject({ name: 'Contoso Japan Nagoya', country: 'JP' });
      const event = await app.db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'LocationAdded' } });
      expect(event).toMatchObject({ dealId: null, actorName: 'Aiko Admin', data: { locationId: 'contoso-jp-nagoya' } });
    });

    test('`場所を追加` with a quoted Japanese name', async () => {
      const said = await say(app, '場所を追加 contoso-jp-fukuoka 「コントソ 福岡」', { from: AIKO, locale: 'ja-JP' });
      expect(said.text).toContain('場所「コントソ 福岡」(contoso-jp-fukuoka) を追加しました。');
    });

    test('bad arguments are answered clearly, en and ja, and nothing is stored', async () => {
      const count = await app.db.prisma.location.count();
      expect((await say(app, 'add location', { from: AIKO })).text).toContain(en['admin.error.usageAddLocation']);
      const badId = await say(app, 'add location tokyo/2 Tokyo Two', { from: AIKO });
      expect(badId.text).toContain('"tokyo/2" is not a valid location id');
      expect(badId.text).toContain(en['admin.error.usageAddLocation']);
      const badCountry = await say(app, '場所を追加 contoso-jp-sendai 「仙台」 JPN', { from: AIKO, locale: 'ja-JP' });
      expect(badCountry.text).toContain('「JPN」は 2 文字の国コードではありません');
      const duplicate = await say(app, 'add location CONTOSO-JP-TOKYO Tokyo again', { from: AIKO });
      expect(duplicate.text).toContain(msg('LOCATION_EXISTS', { location: TOKYO }));
      expect(await app.db.prisma.location.count()).toBe(count);
    });

    test('rename, and unknown locations named with the known ones', async () => {
      const said = await say(app, 'rename location contoso-jp-nagoya Contoso Nagoya', { from: AIKO });
      expect(said.text).toContain('Location contoso-jp-nagoya renamed: "Contoso Japan Nagoya" → "Contoso Nagoya".');
      const unknown = await say(app, '場所の名前を変更 contoso-jp-kobe 神戸', { from: AIKO, locale: 'ja-JP' });
      expect(unknown.text).toContain('場所「contoso-jp-kobe」はありません。登録済みの場所:');
      expect(unknown.text).toContain(TOKYO);
    });

    test('the admin card sets a location\'s time zone (from a list); others and bad zones change nothing', async () => {
      const panel = await click(app, 'admin.show', {}, { from: AIKO });
      expect(verbsOf(panel.card)).toContain('admin.setLocationZone');
      const set = await click(app, 'admin.setLocationZone', { renameLocationId: OSAKA, renameLocationName: '', zoneTimeZone: 'America/New_York' }, { from: AIKO, locale: 'ja-JP' });
      expect(set.text).toContain(`場所 ${OSAKA} のタイムゾーンを America/New_York にしました。`);
      expect(set.text).toContain(`${OSAKA}・JP・America/New_York・取引: 0`);
      expect(await app.db.prisma.location.findUniqueOrThrow({ where: { id: OSAKA } })).toMatchObject({ timeZone: 'America/New_York' });
      expect(await app.db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'LocationZoneSet' } })).toMatchObject({ actorName: 'Aiko Admin', data: { locationId: OSAKA, before: null, after: 'America/New_York' } });
      const bad = await click(app, 'admin.setLocationZone', { renameLocationId: OSAKA, zoneTimeZone: 'Mars/Olympus' }, { from: AIKO });
      expect(bad.text).toContain(en['admin.error.badTimeZone']);
      const notGlobal = await click(app, 'admin.setLocationZone', { renameLocationId: OSAKA, zoneTimeZone: 'UTC' }, { from: YUKI });
      expect(notGlobal.text).not.toContain('now uses the time zone');
      expect(await app.db.prisma.location.findUniqueOrThrow({ where: { id: OSAKA } })).toMatchObject({ timeZone: 'America/New_York' });
      // Back to the default-by-country for the tests after this one.
      await app.db.prisma.location.update({ where: { id: OSAKA }, data: { timeZone: null } });
    });

    test('a location with deals cannot be removed; one with people waits for them; an empty one goes', async () => {
      const withDeals = await say(app, 'remove location contoso-jp-tokyo', { from: AIKO });
      expect(withDeals.text).toContain(msg('LOCATION_HAS_DEALS', { location: TOKYO, count: 1 }));
      const withDealsJa = await say(app, '場所を削除 contoso-jp-tokyo', { from: AIKO, locale: 'ja-JP' });
      expect(withDealsJa.text).toContain(msg('LOCATION_HAS_DEALS', { location: TOKYO, count: 1 }, 'ja'));
      const withPeople = await say(app, 'remove location contoso-jp-osaka', { from: AIKO });
      expect(withPeople.text).toContain(msg('LOCATION_HAS_PEOPLE', { location: OSAKA, names: 'Hana Osaka' }));
      const gone = await say(app, 'remove location contoso-jp-nagoya', { from: AIKO });
      expect(gone.text).toContain('Location "Contoso Nagoya" (contoso-jp-nagoya) removed.');
      expect(await app.db.prisma.location.findUnique({ where: { id: 'contoso-jp-nagoya' } })).toBeNull();
      expect(await app.db.prisma.location.count({ where: { id: { in: [TOKYO, OSAKA] } } })).toBe(2);
    });
  });

  describe('people and roles', () => {
    test('`people` / `メンバー` list everyone with role and scope', async () => {
      const said = await say(app, 'people', { from: AIKO });
      expect(said.text).toContain('Yuki Tokyo');
      expect(said.text).toContain(`tokyouser@contoso.example · Referrals user · ${TOKYO}`);
      expect(said.text).toContain('admin@contoso.example · Referrals admin · all locations');
      expect(said.text).toContain('nobody@contoso.example · no role · —');
      const jaSaid = await say(app, 'メンバー', { from: AIKO, locale: 'ja-JP' });
      expect(jaSaid.text).toContain('紹介管理者・すべての場所');
    });

    test('`role <email> user <locations>` replaces the scope, audited with before and after', async () => {
      const said = await say(app, `role tokyouser@contoso.example user ${TOKYO}, ${OSAKA}`, { from: AIKO });
      expect(said.text).toContain(`Yuki Tokyo is now Referrals user for ${OSAKA}, ${TOKYO}.`);
      expect(await scopeOf(app, 'aad-tokyouser')).toEqual({ role: 'user', global: false, locations: [OSAKA, TOKYO] });
      const event = await app.db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'RoleChanged' }, orderBy: { id: 'desc' } });
      expect(event.dealId).toBeNull();
      expect(event.data).toMatchObject({
        name: 'Yuki Tokyo',
        before: { role: 'user', scope: { global: false, locations: [TOKYO] } },
        after: { role: 'user', scope: { global: false, locations: [OSAKA, TOKYO] } },
      });
    });

    test('an @mention names the person (resolved through TeamsInfo.getMember); ja role words', async () => {
      knowMember(app, HANA, 'osakauser@contoso.example');
      const mention = '<at>Hana Osaka</at>';
      // Teams shows the display name; the id behind it is what counts (someone else shares the name "Hana Osaka").
      await app.db.prisma.user.create({ data: { name: 'Hana Osaka', email: 'another.hana@contoso.example' } });
      const said = await say(app, `役割 ${mention} 管理者 ${OSAKA}`, { from: AIKO, locale: 'ja-JP' }, (a) => {
        a.entities = [...(a.entities ?? []), { type: 'mention', text: mention, mentioned: { id: HANA.id, name: HANA.name } }];
      });
      expect(app.stub.memberLookups).toContainEqual(expect.objectContaining({ userId: HANA.id, status: 200 }));
      expect(said.text).toContain(`Hana Osakaさんは${OSAKA}の紹介管理者になりました。`);
      expect(await scopeOf(app, 'aad-osakauser')).toEqual({ role: 'admin', global: false, locations: [OSAKA] });
    });

    test('unknown person, unknown location, malformed command: clear errors in en and ja, nothing changes', async () => {
      const before = await app.db.prisma.auditEvent.count({ where: { type: 'RoleChanged' } });
      expect((await say(app, `role ghost@contoso.example user ${TOKYO}`, { from: AIKO })).text).toContain(
        'I don\'t know "ghost@contoso.example". They need to chat with me once, or you can @mention them.',
      );
      expect((await say(app, `役割 ghost@contoso.example ユーザー ${TOKYO}`, { from: AIKO, locale: 'ja-JP' })).text).toContain('「ghost@contoso.example」さんが見つかりません');
      const unknownLocation = await say(app, 'role nobody@contoso.example user contoso-jp-kyoto', { from: AIKO });
      expect(unknownLocation.text).toContain('There is no location "contoso-jp-kyoto". Known locations:');
      const malformed = await say(app, 'role nobody@contoso.example boss', { from: AIKO });
      expect(malformed.text).toContain(en['admin.error.usageRole']);
      expect((await say(app, '役割', { from: AIKO, locale: 'ja-JP' })).text).toContain(ja['admin.error.usageRole']);
      expect((await say(app, 'remove role', { from: AIKO })).text).toContain(en['admin.error.usageRemoveRole']);
      expect(await app.db.prisma.auditEvent.count({ where: { type: 'RoleChanged' } })).toBe(before);
    });

    test('a location admin: roles only within its own locations, never global, never for people beyond its scope', async () => {
      const outside = await say(app, `role nobody@contoso.example user ${OSAKA}`, { from: TARO });
      expect(outside.text).toContain(fill(REFUSAL_MESSAGES.LOCATION_OUT_OF_SCOPE.en, { location: OSAKA }));
      const global = await say(app, 'role nobody@contoso.example admin global', { from: TARO });
      expect(global.text).toContain(ADMIN_REFUSAL_MESSAGES.GLOBAL_SCOPE_REQUIRES_GLOBAL_ADMIN.en);
      const beyond = await say(app, `remove role admin@contoso.example`, { from: TARO });
      expect(beyond.text).toContain(msg('TARGET_OUT_OF_SCOPE', { name: 'Aiko Admin', scope: '*' }));
      const addLocation = await say(app, 'add location contoso-jp-sapporo Sapporo', { from: TARO });
      expect(addLocation.text).toContain(ADMIN_REFUSAL_MESSAGES.REQUIRES_GLOBAL_ADMIN.en);
      // Without a scope, the role comes with the granting admin's own scope (Tokyo).
      const ok = await say(app, 'role nobody@contoso.example user', { from: TARO });
      expect(ok.text).toContain(`Nobu Norole is now Referrals user for ${TOKYO}.`);
      expect(await scopeOf(app, 'aad-nobody')).toEqual({ role: 'user', global: false, locations: [TOKYO] });
    });

    test('non-admins cannot change roles, add locations or see the admin card — typed or forged', async () => {
      const yuki = await scopeOf(app, 'aad-tokyouser');
      for (const text of ['admin', 'people', 'locations', `role tokyouser@contoso.example admin global`, 'add location x X']) {
        expect((await say(app, text, { from: YUKI })).text).toContain(REFUSAL_MESSAGES.REQUIRES_ADMIN.en);
      }
      expect((await say(app, '管理', { from: YUKI, locale: 'ja-JP' })).text).toContain(REFUSAL_MESSAGES.REQUIRES_ADMIN.ja);
      const me = await userBy(app, 'aad-tokyouser');
      const forged = [
        await click(app, 'admin.show', {}, { from: YUKI }),
        await click(app, 'admin.setRole', { rolePerson: me.id, roleRole: 'admin', roleGlobal: 'true' }, { from: YUKI }),
        await click(app, 'admin.addLocation', { addLocationId: 'x', addLocationName: 'X' }, { from: YUKI }),
        await click(app, 'admin.removeLocation', { removeLocationId: OSAKA }, { from: YUKI }),
      ];
      for (const f of forged) {
        expect(f.text).toContain(REFUSAL_MESSAGES.REQUIRES_ADMIN.en);
        expect(verbsOf(f.card)).toEqual([]);
      }
      expect(await scopeOf(app, 'aad-tokyouser')).toEqual(yuki);
      expect(await app.db.prisma.location.findUnique({ where: { id: 'x' } })).toBeNull();
    });

    test('someone without a role gets the "ask your admin" card naming the admins, for anything but help', async () => {
      const zoe: TeamsUser = teamsUser('Zoe Mori');
      const said = await say(app, 'people', { from: zoe, locale: 'ja-JP' });
      expect(said.text).toContain(ja['admin.noRole.title']);
      expect(said.text).toContain('Aiko Admin');
      expect(said.text).toContain('Taro Tokyo-Admin');
      const forged = await click(app, 'admin.setRole', { rolePerson: 'x', roleRole: 'admin', roleGlobal: 'true' }, { from: zoe });
      expect(forged.text).toContain(en['admin.noRole.title']);
      expect((await say(app, 'help', { from: zoe })).text).toContain(en['help.title']);
    });

    test('the last global admin cannot remove or demote themself; with a second one, they can', async () => {
      const removeSelf = await say(app, 'remove role admin@contoso.example', { from: AIKO });
      expect(removeSelf.text).toContain(msg('LAST_GLOBAL_ADMIN', { name: 'Aiko Admin' }));
      const demote = await say(app, `役割 admin@contoso.example 管理者 ${TOKYO}`, { from: AIKO, locale: 'ja-JP' });
      expect(demote.text).toContain(msg('LAST_GLOBAL_ADMIN', { name: 'Aiko Admin' }, 'ja'));
      const viaCard = await click(app, 'admin.setRole', { rolePerson: (await userBy(app, 'aad-admin')).id, roleRole: 'none' }, { from: AIKO });
      expect(viaCard.text).toContain(msg('LAST_GLOBAL_ADMIN', { name: 'Aiko Admin' }));
      expect(await scopeOf(app, 'aad-admin')).toEqual({ role: 'admin', global: true, locations: [] });

      await say(app, 'role tokyoadmin@contoso.example admin global', { from: AIKO });
      const stepDown = await say(app, 'remove role admin@contoso.example', { from: AIKO });
      expect(stepDown.text).toContain('Aiko Admin no longer has a Referrals role.');
      // Taro is now the only global admin and is guarded in turn.
      expect((await say(app, 'remove role tokyoadmin@contoso.example', { from: TARO })).text).toContain(msg('LAST_GLOBAL_ADMIN', { name: 'Taro Tokyo-Admin' }));
    });

    test('two global admins demoting each other at once: one of them stays a global admin', async () => {
      await say(app, 'role admin@contoso.example admin global', { from: TARO });
      await Promise.all([
        say(app, 'role tokyoadmin@contoso.example user global', { from: AIKO }),
        say(app, 'role admin@contoso.example user global', { from: TARO }),
      ]);
      expect(await app.db.prisma.user.count({ where: { role: 'admin', globalScope: true } })).toBe(1);
    });
  });
});
