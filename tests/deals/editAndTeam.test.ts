import { cardText } from '../helpers/teams';
import { inDays } from '../helpers/fixtures';
import { press, startDealKit, type DealKit } from './dealTestKit';

/** R19 through /api/messages: edits append notes, location and solution cannot change, the team is kept by forms. */
describe('edit and team', () => {
  let kit: DealKit;
  let deal: { id: string; number: number; version: number };
  beforeAll(async () => {
    kit = await startDealKit();
    deal = await kit.createDeal(kit.actors.tokyoUser);
  });
  afterAll(() => kit?.close());

  const row = () => kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { notes: { orderBy: { createdAt: 'asc' } }, team: true } });

  test('the edit form shows location and solution read-only, and saving appends the note to the dated history', async () => {
    const card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser);
    let form = await kit.click('deal.edit.form', press(card, 'deal.edit.form'), kit.teams.tokyoUser);
    expect(cardText(form)).toContain('Location and solution cannot be changed after the deal is created.');
    expect(cardText(form)).toContain('Data and Infrastructure Migration · Tokyo HQ');
    expect(form.body.some((e: any) => e.id === 'locationId' || e.id === 'assessmentType')).toBe(false);
    const inputs = Object.fromEntries(form.body.filter((e: any) => e.id).map((e: any) => [e.id, e.value ?? '']));
    // A past date is refused on the same form, values kept.
    form = await kit.click('deal.edit', press(form, 'deal.edit', { ...inputs, closeDate: '2020-01-01', note: 'Customer asked for a workshop.' }), kit.teams.tokyoUser);
    expect(cardText(form)).toContain('The date cannot be in the past.');
    expect(form.body.find((e: any) => e.id === 'note').value).toBe('Customer asked for a workshop.');
    const saved = await kit.click(
      'deal.edit',
      press(form, 'deal.edit', { ...inputs, name: 'Fabrikam migration (phase 1)', value: '2000000', closeDate: inDays(90), crmId: 'CRM-7', note: 'Customer asked for a workshop.' }),
      kit.teams.tokyoUser,
    );
    expect(cardText(saved)).toContain('Changes saved.');
    expect(cardText(saved)).toContain('Fabrikam migration (phase 1)');
    expect(cardText(saved)).toContain('Customer asked for a workshop.');
    const after = await row();
    expect(after).toMatchObject({ name: 'Fabrikam migration (phase 1)', crmId: 'CRM-7', locationId: 'contoso-jp-tokyo' });
    expect(Number(after.value)).toBe(2_000_000);
    expect(after.notes.map((n) => n.text)).toEqual(['Customer wants to move 40 VMs to Azure.', 'Customer asked for a workshop.']);
    // A second note is appended, never overwriting.
    await kit.click('deal.edit', { dealId: deal.id, note: 'Workshop booked for next week.' }, kit.teams.tokyoUser);
    expect((await row()).notes).toHaveLength(3);
    const history = await kit.click('deal.edit.form', { dealId: deal.id }, kit.teams.tokyoUser);
    expect(cardText(history)).toContain('Workshop booked for next week.');
    expect(cardText(history)).toContain('Customer wants to move 40 VMs to Azure.');
  });

  test.each([
    ['locationId', '場所', { locationId: 'contoso-jp-osaka' }],
    ['assessmentType', '評価の種類', { assessmentType: 'Azure Express' }],
    ['assessmentLocation', '評価の場所', { assessmentLocation: 'Osaka' }],
  ])('a crafted edit of %s is refused by its name (never the id) and changes nothing', async (field, name, forged) => {
    const before = await row();
    const card = await kit.click('deal.edit', { dealId: deal.id, name: 'Sneaky', ...forged }, kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(card)).toContain(`${name}は取引の作成後に変更できません。`);
    expect(cardText(card)).not.toContain(field);
    const after = await row();
    expect(after).toMatchObject({ name: before.name, locationId: 'contoso-jp-tokyo', assessmentType: 'Data and Infrastructure Migration', version: before.version });
  });

  test('team: add a member (errors per field first), add a recent contact, remove a member', async () => {
    // Ken worked with Alice-like colleagues before: a contact from one of his earlier deals is offered.
    await kit.createDeal(kit.actors.tokyoUser, { team: [{ name: 'Mika Partner', email: 'mika@contoso.example', phone: '+81 3 5555 0101' }, { name: 'Yuki Tokyo', email: 'tokyouser@contoso.example', phone: '+81 3 1234 5678', userId: kit.actors.tokyoUser.id }] });
    let form = await kit.click('deal.team.form', { dealId: deal.id }, kit.teams.tokyoUser);
    const contacts = form.body.flatMap((e: any) => e.items ?? []).find((e: any) => e.id === 'contact');
    expect(contacts.choices.map((c: any) => c.value)).toEqual(['mika@contoso.example']);

    form = await kit.click('deal.team.add', press(form, 'deal.team.add', { memberName: 'Ken Tokyo', memberPhone: 'abc', memberEmail: 'not-an-email' }), kit.teams.tokyoUser);
    expect(cardText(form)).toContain('Enter a valid email address');
    expect(cardText(form)).toContain('Enter a valid phone number');
    expect((await row()).team).toHaveLength(1);

    form = await kit.click('deal.team.add', press(form, 'deal.team.add', { memberName: 'Ken Tokyo', memberPhone: '+81 3 1111 2222', memberEmail: 'tokyouser2@contoso.example' }), kit.teams.tokyoUser);
    expect(cardText(form)).toContain('Team member added.');
    form = await kit.click('deal.team.addContact', press(form, 'deal.team.addContact', { contact: 'mika@contoso.example' }), kit.teams.tokyoUser);
    expect((await row()).team.map((m) => m.email).sort()).toEqual(['mika@contoso.example', 'tokyouser2@contoso.example', 'tokyouser@contoso.example']);
    // An email the server did not offer is not added through the contact picker.
    const forged = await kit.click('deal.team.addContact', { ...press(form, 'deal.team.add'), contact: 'stranger@evil.example' }, kit.teams.tokyoUser);
    expect(cardText(forged)).toContain('Choose one of the offered contacts.');

    // Ken, now on the team, sees the deal; after removal he no longer does (R3).
    expect((await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser2)).body.length).toBeGreaterThan(3);
    form = await kit.click('deal.team.remove', press(form, 'deal.team.remove', { remove: 'tokyouser2@contoso.example,mika@contoso.example' }), kit.teams.tokyoUser);
    expect(cardText(form)).toContain('Team member removed.');
    expect((await row()).team.map((m) => m.email)).toEqual(['tokyouser@contoso.example']);
    expect(cardText(await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser2))).toContain('Deal not found');
    // The last member cannot be removed.
    const last = await kit.click('deal.team.remove', press(form, 'deal.team.remove', { remove: 'tokyouser@contoso.example' }), kit.teams.tokyoUser);
    expect(cardText(last)).toContain('Add at least one.');
    expect((await row()).team).toHaveLength(1);
  });

  test('two people complete the same stage at once: one succeeds, the other sees the updated card', async () => {
    const fresh = await kit.createDeal(kit.actors.tokyoUser);
    const data = { dealId: fresh.id, version: fresh.version, stage: 'secureCustomerLoe' };
    const [a, b] = await Promise.all([kit.click('deal.completeStage', data, kit.teams.tokyoUser), kit.click('deal.completeStage', data, kit.teams.admin)]);
    const texts = [cardText(a), cardText(b)];
    expect(texts.filter((t) => t.includes('Stage "Secure customer LOE" completed.'))).toHaveLength(1);
    const loser = texts.find((t) => !t.includes('completed.'))!;
    expect(loser).toMatch(/"Secure customer LOE" was already completed by (Yuki Tokyo|Aiko Admin)\./);
    expect(loser).toContain('Secure customer LOE · 20 %');
    expect(await kit.app.db.prisma.stageCompletion.count({ where: { dealId: fresh.id } })).toBe(1);
  });
});
