import { cardText } from '../helpers/teams';
import { press, startDealKit, type DealKit } from './dealTestKit';

/**
 * Issue 14 §3 through /api/messages: the deal card shows the customer's contact (only with the customer's consent,
 * R7) and the note for the Microsoft specialist, and both are edited from the card's Edit form through the one command
 * path: consent before any detail, the contact kept while Microsoft seller help is asked, the change in the history.
 */
describe('customer contact and specialist note on Edit', () => {
  let kit: DealKit;
  beforeAll(async () => {
    kit = await startDealKit();
  });
  afterAll(() => kit?.close());

  const KENJI = { name: 'Kenji Fabrikam', phone: '+81 3 9999 0000', email: 'kenji@fabrikam.example' };
  const row = (id: string) => kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id } });
  /** The form's inputs with the values it shows, as a user who changes nothing would send them. */
  const inputsOf = (form: any): Record<string, unknown> => Object.fromEntries(form.body.filter((e: any) => e.id).map((e: any) => [e.id, e.value ?? '']));
  /** The line of text under an input that carries its error (the block after it). */
  const errorUnder = (form: any, id: string): string | undefined => {
    const i = form.body.findIndex((e: any) => e.id === id);
    const next = form.body[i + 1];
    return next?.type === 'TextBlock' && next.color === 'Attention' ? next.text : undefined;
  };
  const openEdit = async (deal: { id: string }, as = kit.teams.tokyoUser, locale = 'en-US') => {
    const card = await kit.click('deal.refresh', { dealId: deal.id }, as, locale);
    return kit.click('deal.edit.form', press(card, 'deal.edit.form'), as, locale);
  };
  const save = (form: any, inputs: Record<string, unknown>, locale = 'en-US') => kit.click('deal.edit', press(form, 'deal.edit', { ...inputsOf(form), ...inputs }), kit.teams.tokyoUser, locale);

  test('the card shows the consented contact and the specialist note; Edit shows them to change', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser, { contact: { ...KENJI, consent: true }, specialistNote: 'Prefers meetings in Japanese.' });
    const card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser);
    expect(cardText(card)).toContain('Kenji Fabrikam · +81 3 9999 0000 · kenji@fabrikam.example');
    expect(cardText(card)).toContain('Note for the Microsoft solution assessment specialist');
    expect(cardText(card)).toContain('Prefers meetings in Japanese.');
    const form = await openEdit(deal);
    expect(inputsOf(form)).toMatchObject({ contactName: KENJI.name, contactPhone: KENJI.phone, contactEmail: KENJI.email, contactConsent: 'true', specialistNote: 'Prefers meetings in Japanese.' });
    expect(cardText(form)).toContain("Contact details are kept only with the customer's consent");
  });

  test('ja: a contact without the consent ticked is refused under the consent, a bad email under the email; nothing changes', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser);
    const before = await row(deal.id);
    let form = await openEdit(deal, kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(form)).toContain('顧客の連絡先');
    expect(cardText(form)).toContain('Microsoft ソリューション評価スペシャリストのための覚書');
    const typed = { contactName: '田中 健二', contactPhone: '０３－９９９９－００００', contactEmail: 'kenji@fabrikam.example', specialistNote: '日本語での打ち合わせを希望。' };
    form = await save(form, { ...typed, contactConsent: 'false' }, 'ja-JP');
    expect(errorUnder(form, 'contactConsent')).toBe('連絡先を共有する前に、顧客の同意を得たことを確認してください。');
    // What was typed stays on the form.
    expect(inputsOf(form)).toMatchObject({ contactName: '田中 健二', specialistNote: '日本語での打ち合わせを希望。' });
    form = await save(form, { ...typed, contactEmail: 'kenji@fabrikam', contactConsent: 'true' }, 'ja-JP');
    expect(errorUnder(form, 'contactEmail')).toBe('有効なメールアドレスを入力してください (例: name@example.com)。');
    const after = await row(deal.id);
    expect(after).toMatchObject({ contactName: null, contactPhone: null, contactEmail: null, contactConsent: false, specialistNote: null, version: before.version });
    expect(await kit.app.db.prisma.auditEvent.count({ where: { dealId: deal.id, type: 'DealEdited' } })).toBe(0);
  });

  test('ja: with the consent ticked the contact and note are saved; the card and the history show them', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser);
    const form = await openEdit(deal, kit.teams.tokyoUser, 'ja-JP');
    const saved = await save(form, { contactName: '田中 健二', contactPhone: '０３－９９９９－００００', contactEmail: 'kenji@fabrikam.example', contactConsent: 'true', specialistNote: '日本語での打ち合わせを希望。' }, 'ja-JP');
    expect(cardText(saved)).toContain('変更を保存しました。');
    // A full-width phone from a Japanese IME is kept as digits (the wizard's rule).
    expect(cardText(saved)).toContain('田中 健二・03-9999-0000・kenji@fabrikam.example');
    expect(cardText(saved)).toContain('日本語での打ち合わせを希望。');
    expect(await row(deal.id)).toMatchObject({ contactName: '田中 健二', contactPhone: '03-9999-0000', contactEmail: 'kenji@fabrikam.example', contactConsent: true, specialistNote: '日本語での打ち合わせを希望。' });

    const history = await kit.click('deal.history', { dealId: deal.id }, kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(history)).toContain('Yuki Tokyo: 変更しました: 顧客の連絡先、Microsoft ソリューション評価スペシャリストのための覚書');
    const historyEn = await kit.click('deal.history', { dealId: deal.id }, kit.teams.tokyoUser);
    expect(cardText(historyEn)).toContain('Yuki Tokyo: changed: Customer contact, Note for the Microsoft solution assessment specialist');
    const [edited] = await kit.app.db.prisma.auditEvent.findMany({ where: { dealId: deal.id, type: 'DealEdited' } });
    expect(edited!.data).toEqual({
      changes: {
        contactName: { from: null, to: '田中 健二' },
        contactPhone: { from: null, to: '03-9999-0000' },
        contactEmail: { from: null, to: 'kenji@fabrikam.example' },
        contactConsent: { from: false, to: true },
        specialistNote: { from: null, to: '日本語での打ち合わせを希望。' },
      },
    });
  });

  test('the contact and the note can be cleared when no seller help was asked', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser, { contact: { ...KENJI, consent: true }, specialistNote: 'Call after 10am.' });
    const saved = await save(await openEdit(deal), { contactName: '', contactPhone: '', contactEmail: '', contactConsent: 'false', specialistNote: '' });
    expect(cardText(saved)).toContain('Changes saved.');
    expect(cardText(saved)).not.toContain('Kenji');
    expect(cardText(saved)).not.toContain('Call after 10am.');
    expect(await row(deal.id)).toMatchObject({ contactName: null, contactPhone: null, contactEmail: null, contactConsent: false, specialistNote: null });
  });

  test('Microsoft seller help asked: the card says so, and clearing a contact detail is refused under it, nothing changed', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser, { contact: { ...KENJI, consent: true, askMicrosoftHelp: true } });
    const card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser);
    expect(cardText(card)).toContain('Microsoft seller help');
    let form = await openEdit(deal);
    expect(cardText(form)).toContain("Microsoft seller help was asked for this deal: the contact's name, phone and email are required.");
    const before = await row(deal.id);
    form = await save(form, { contactEmail: '', name: 'Renamed while clearing' });
    expect(errorUnder(form, 'contactEmail')).toBe('A contact name, phone and email are required when you ask for Microsoft seller help.');
    expect(await row(deal.id)).toMatchObject({ contactEmail: KENJI.email, name: before.name, version: before.version });
    // In Japanese too; another phone is fine, and the help stays asked.
    form = await save(await openEdit(deal, kit.teams.tokyoUser, 'ja-JP'), { contactName: '' }, 'ja-JP');
    expect(errorUnder(form, 'contactName')).toBe('Microsoft 営業担当者の支援を依頼する場合、連絡先の名前・電話番号・メールアドレスが必要です。');
    const saved = await save(await openEdit(deal), { contactPhone: '+81 3 1111 2222' });
    expect(cardText(saved)).toContain('Kenji Fabrikam · +81 3 1111 2222 · kenji@fabrikam.example');
    expect(await row(deal.id)).toMatchObject({ contactPhone: '+81 3 1111 2222', askMicrosoftHelp: true });
  });
});
