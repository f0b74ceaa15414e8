import { cardText } from '../helpers/teams';
import { inDays } from '../helpers/fixtures';
import { press, startDealKit, verbsOf, type DealKit } from './dealTestKit';

/** R20 + R23 through /api/messages: a solution-assessment deal worked to Won and registered, with buttons only. */
describe('solution-assessment deal, by buttons', () => {
  let kit: DealKit;
  let deal: { id: string; number: number; version: number };

  beforeAll(async () => {
    kit = await startDealKit();
    deal = await kit.createDeal(kit.actors.tokyoUser);
  });
  afterAll(() => kit?.close());

  const row = () => kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { completions: true, registration: true } });

  test('the card shows the label, location name, progress and the four open stages; Won is not offered yet', async () => {
    const card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser);
    const text = cardText(card);
    expect(text).toContain('Solution assessment');
    expect(text).toContain('Contoso Japan – Tokyo');
    expect(text).toContain('Accepted · 10 %');
    expect(text).toContain('Won is available once all four sales stages are complete (next: Secure customer LOE).');
    // The stage flow in the action bar; the forms in a row under the card.
    expect(card.actions.map((a: any) => a.verb)).toEqual(['deal.completeStage']);
    expect(verbsOf(card).sort()).toEqual(['deal.completeStage', 'deal.edit.form', 'deal.history', 'deal.lose.form', 'deal.team.form']);
  });

  test('a forged Won click before the four stages is refused with the reason; nothing changes', async () => {
    const card = await kit.click('deal.win', { dealId: deal.id, version: deal.version }, kit.teams.tokyoUser);
    expect(cardText(card)).toContain('Complete all four sales stages first (next: Secure customer LOE).');
    expect(await row()).toMatchObject({ status: 'Active', substatus: 'Accepted', stage: 'accepted', version: deal.version });
  });

  test('a stage out of order is refused; nothing changes', async () => {
    const card = await kit.click('deal.completeStage', { dealId: deal.id, version: deal.version, stage: 'collectData' }, kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(card)).toContain('「データを収集する」の前に「顧客 LOE の確保」を完了してください。');
    expect((await row()).completions).toHaveLength(0);
  });

  test('the four stages, each on its own and in order, then Won: 100 %, Closed / Won, and the registration form (ja)', async () => {
    let card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser, 'ja-JP');
    for (const stage of ['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer']) {
      const data = press(card, 'deal.completeStage');
      expect(data.stage).toBe(stage);
      card = await kit.click('deal.completeStage', data, kit.teams.tokyoUser, 'ja-JP');
      expect(cardText(card)).toMatch(/ステージ「.+」を完了しました。/);
    }
    const text = cardText(card);
    expect(text).toContain('顧客への提示・進捗 80%');
    expect(text).toContain('顧客 LOE の確保 — Yuki Tokyo');
    expect(verbsOf(card)).toContain('deal.win');
    card = await kit.click('deal.win', press(card, 'deal.win'), kit.teams.tokyoUser, 'ja-JP');
    // Data and Infrastructure Migration is eligible (R23): Won goes on to the registration form.
    expect(cardText(card)).toContain('取引を受注にしました。');
    expect(cardText(card)).toContain('登録: Fabrikam migration assessment');
    expect(await row()).toMatchObject({ status: 'Closed', substatus: 'Won', stage: 'won' });
    const back = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(back)).toContain('受注・進捗 100%');
    expect(cardText(back)).toContain('終了 / 受注');
  });

  test('registration: errors per field on the same form, then Pending review', async () => {
    let form = await kit.click('deal.register.form', { dealId: deal.id, version: deal.version + 5 }, kit.teams.tokyoUser);
    const bad = press(form, 'deal.register', {
      contractValue: '-1',
      currency: 'JPY',
      contractSignedDate: inDays(-3),
      contractStartDate: inDays(10),
      contractEndDate: inDays(5),
      deployedOnAzure: 'true',
      marketplaceTransaction: 'false',
    });
    form = await kit.click('deal.register', bad, kit.teams.tokyoUser);
    const text = cardText(form);
    expect(text).toContain('Enter an amount greater than zero.');
    expect(text).toContain('The end date must be on or after the start date.');
    expect((await row()).registration).toBeNull();
    const card = await kit.click('deal.register', { ...bad, contractValue: '1800000', contractEndDate: inDays(375), notes: 'Three-year deal.' }, kit.teams.tokyoUser);
    expect(cardText(card)).toContain('Registration submitted: Pending review.');
    expect(cardText(card)).toContain('Registration: Pending review');
    expect((await row()).registration).toMatchObject({ status: 'PendingReview', deployedOnAzure: true, marketplaceTransaction: false });
    // The team user may not review; a Referrals admin may.
    expect(verbsOf(card)).not.toContain('deal.review.form');
  });

  test('a user cannot record a review, even by a crafted click; an admin records Approved and the card shows it', async () => {
    const refused = await kit.click('deal.review', { dealId: deal.id, outcome: 'Approved' }, kit.teams.tokyoUser);
    expect(cardText(refused)).toContain('Only a Referrals admin can do this.');
    expect((await row()).registration?.status).toBe('PendingReview');

    const adminCard = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.admin);
    const form = await kit.click('deal.review.form', press(adminCard, 'deal.review.form'), kit.teams.admin);
    const card = await kit.click('deal.review', press(form, 'deal.review', { outcome: 'Approved', note: 'Matches the contract.' }), kit.teams.admin);
    expect(cardText(card)).toContain('Registration: Approved');
    expect(cardText(card)).toContain('Matches the contract.');
    expect((await row()).registration).toMatchObject({ status: 'Approved', reviewedByName: 'Aiko Admin' });
    // Closed (R24): no more moves, only the history.
    expect(verbsOf(card)).toEqual(['deal.history']);
  });

  test('the history card tells who did what, in order', async () => {
    const card = await kit.click('deal.history', { dealId: deal.id }, kit.teams.tokyoUser);
    const text = cardText(card);
    expect(text).toContain('Aiko Admin: recorded the review outcome: Approved');
    expect(text).toContain('Yuki Tokyo: completed "Collect data" (40 %)');
    expect(text).toContain('Yuki Tokyo: marked the deal as Won');
    expect(text.indexOf('recorded the review outcome')).toBeLessThan(text.indexOf('marked the deal as Won'));
  });
});
