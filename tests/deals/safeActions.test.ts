import { cardText } from '../helpers/teams';
import { inDays, referral } from '../helpers/fixtures';
import { buttonsOf, press, startDealKit, verbsOf, type DealKit } from './dealTestKit';

/**
 * Issue 14, section 3, through /api/messages: 受注/Won asks for confirmation and says what happens before, not after;
 * the next stage leads and 失注/Lost is never the first button; the referral card shows the customer's contact (with
 * consent) and the sender's notes; the accept form has the clicker as a team member; whoever submitted a
 * registration cannot review it.
 */
describe('safe, obvious actions', () => {
  let kit: DealKit;
  beforeAll(async () => {
    kit = await startDealKit();
  });
  afterAll(() => kit?.close());

  const row = (id: string) => kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id }, include: { registration: true } });
  /** The titles of the body's button row (Edit, Team, History, Lost…) in order. */
  const secondaryTitles = (card: any): string[] =>
    card.body.filter((e: any) => e.type === 'ActionSet').flatMap((s: any) => s.actions.map((a: any) => a.title));

  test('the next stage leads, Lost is not first, and Won opens a confirmation that states what happens (ja)', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser);
    let card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser, 'ja-JP');
    expect(card.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'deal.completeStage', title: '顧客 LOE の確保を完了' });
    const row1 = secondaryTitles(card);
    expect(row1).toContain('失注…');
    expect(row1[0]).not.toBe('失注…');
    expect(row1.at(-1)).toBe('失注…');

    for (let i = 0; i < 4; i++) card = await kit.click('deal.completeStage', press(card, 'deal.completeStage'), kit.teams.tokyoUser, 'ja-JP');
    const won = card.actions.find((a: any) => a.title === '受注…');
    expect(won.type).toBe('Action.ShowCard');
    const confirmText = cardText(won.card);
    expect(confirmText).toContain('販売ステージが受注 (100%) になり、取引は終了します。終了した取引は再開できません。');
    expect(confirmText).toContain('続けて登録フォームが開きます。');
    const confirm = buttonsOf(won.card)[0]!;
    expect(confirm).toMatchObject({ verb: 'deal.win', title: '受注にする' });
    // Nothing happened by opening it; the confirm button does it (and the state machine still decides).
    expect((await row(deal.id)).status).toBe('Active');
    const after = await kit.click('deal.win', confirm.data, kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(after)).toContain('取引を受注にしました。続けて、審査のために登録してください。');
    expect(await row(deal.id)).toMatchObject({ status: 'Closed', substatus: 'Won' });
  });

  test('Won confirms in English too; Lost goes through its form, which says the deal closes for good', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser, { dealType: 'coSell', assessmentType: undefined, assessmentLocation: undefined, solutions: [{ id: 's', name: 'Contoso Cloud' }] });
    const card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser);
    const won = card.actions.find((a: any) => a.type === 'Action.ShowCard');
    expect(won.title).toBe('Won…');
    expect(cardText(won.card)).toContain('A closed deal cannot be reopened.');
    expect(cardText(won.card)).not.toContain('registration form');
    const form = await kit.click('deal.lose.form', press(card, 'deal.lose.form'), kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(form)).toContain('取引は終了し、以降は変更できません。');
    expect((await row(deal.id)).status).toBe('Active');
  });

  test('the person who submitted a registration cannot review it; another admin can', async () => {
    const deal = await kit.createDeal(kit.actors.admin);
    let card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.admin);
    for (let i = 0; i < 4; i++) card = await kit.click('deal.completeStage', press(card, 'deal.completeStage'), kit.teams.admin);
    const confirm = buttonsOf(card.actions.find((a: any) => a.type === 'Action.ShowCard').card)[0]!;
    const form = await kit.click('deal.win', confirm.data, kit.teams.admin);
    const registered = await kit.click(
      'deal.register',
      press(form, 'deal.register', { contractValue: '150万円', currency: 'JPY', contractSignedDate: inDays(-1), contractStartDate: inDays(1), contractEndDate: inDays(365), deployedOnAzure: 'true', marketplaceTransaction: 'false' }),
      kit.teams.admin,
    );
    expect(cardText(registered)).toContain('Registration submitted: Pending review.');
    expect(Number((await row(deal.id)).registration?.contractValue)).toBe(1_500_000);
    expect(verbsOf(registered)).not.toContain('deal.review.form');
    const own = await kit.click('deal.review', { dealId: deal.id, outcome: 'Approved' }, kit.teams.admin, 'ja-JP');
    expect(cardText(own)).toContain('この登録はあなたが送信したため、ほかの紹介管理者が審査する必要があります。');
    const ownEn = await kit.click('deal.review', { dealId: deal.id, outcome: 'Approved' }, kit.teams.admin);
    expect(cardText(ownEn)).toContain('You submitted this registration, so another Referrals admin has to review it.');
    expect((await row(deal.id)).registration?.status).toBe('PendingReview');

    const other = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoAdmin, 'ja-JP');
    expect(verbsOf(other)).toContain('deal.review.form');
    expect(cardText(other)).toContain('登録: 審査待ち');
  });

  test('the referral card shows the customer contact (with consent) and the sender’s notes; Accept has me on the team', async () => {
    const received = await kit.app.app.services.commands.receive({
      ...referral(),
      contact: { name: '山田 太郎', phone: '045-555-0142', email: 'yamada@northwind.example' },
      inviteNotes: '至急ご連絡ください。',
    });
    if (!received.ok) throw new Error(received.refusal.code);
    const dealId = received.value.deal.id;
    const card = await kit.click('deal.refresh', { dealId }, kit.teams.tokyoUser, 'ja-JP');
    const text = cardText(card);
    expect(text).toContain('顧客の連絡先');
    expect(text).toContain('山田 太郎・045-555-0142・yamada@northwind.example');
    expect(text).toContain('至急ご連絡ください。');
    expect(text).toContain('Looking to cut Azure spend by 20 %.');
    expect(text).toContain('受け取り');

    const form = await kit.click('referral.accept', press(card, 'referral.accept'), kit.teams.tokyoUser, 'ja-JP');
    const input = (id: string) => JSON.stringify(form).match(new RegExp(`"id":"${id}"[^}]*?"value":"([^"]*)"`))?.[1];
    expect(input('member0Name')).toBe(kit.actors.tokyoUser.name);
    expect(input('member0Email')).toBe(kit.actors.tokyoUser.email);

    const noConsent = await kit.app.app.services.commands.receive({
      ...referral(),
      consent: { consentToShareInfoWithOthers: false, consentToContact: false },
      contact: { name: '鈴木 一郎', phone: '03-0000-0000', email: 'suzuki@northwind.example' },
    });
    if (!noConsent.ok) throw new Error(noConsent.refusal.code);
    const hidden = await kit.click('deal.refresh', { dealId: noConsent.value.deal.id }, kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(hidden)).not.toContain('鈴木 一郎');
  });
});
