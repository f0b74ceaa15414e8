import { cardText } from '../helpers/teams';
import { press, startDealKit, verbsOf, type DealKit } from './dealTestKit';

const COSELL = { dealType: 'coSell', assessmentType: undefined, assessmentLocation: undefined, solutions: [{ id: 'sol-1', name: 'Contoso Cloud Migration Factory' }] };

/** R21 through /api/messages: optional stages, Won from any active stage, Lost with a reason. */
describe('co-sell deal, by buttons', () => {
  let kit: DealKit;
  beforeAll(async () => {
    kit = await startDealKit();
  });
  afterAll(() => kit?.close());

  const row = (id: string) => kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id } });

  test('Won straight from Accepted; no registration form for a solution that is not eligible', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser, COSELL);
    const card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser);
    expect(cardText(card)).not.toContain('Solution assessment');
    // Won asks first (issue 14): the action bar opens a confirmation whose button carries the verb.
    expect(card.actions.map((a: any) => a.verb ?? a.type)).toEqual(['deal.setStage', 'Action.ShowCard']);
    const won = await kit.click('deal.win', press(card, 'deal.win'), kit.teams.tokyoUser);
    expect(cardText(won)).toContain('Deal marked as Won.');
    expect(cardText(won)).toContain('Won · 100 %');
    expect(verbsOf(won)).toEqual(['deal.history']);
    expect(await row(deal.id)).toMatchObject({ status: 'Closed', substatus: 'Won', stage: 'won' });
  });

  test('stage set to Proposed from the drop-down, then Won; stages never move back', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser, COSELL);
    let card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser, 'ja-JP');
    const choice = card.body.find((e: any) => e.type === 'Input.ChoiceSet' && e.id === 'stage');
    expect(choice.choices.map((c: any) => c.value)).toEqual(['qualified', 'developed', 'proposed', 'negotiated']);
    card = await kit.click('deal.setStage', press(card, 'deal.setStage', { stage: 'proposed' }), kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(card)).toContain('ステージを「提案済み」に設定しました。');
    expect(cardText(card)).toContain('提案済み・進捗 60%');
    const later = card.body.find((e: any) => e.type === 'Input.ChoiceSet' && e.id === 'stage');
    expect(later.choices.map((c: any) => c.value)).toEqual(['negotiated']);
    // A crafted click back to Qualified is refused.
    const back = await kit.click('deal.setStage', press(card, 'deal.setStage', { stage: 'qualified' }), kit.teams.tokyoUser);
    expect(cardText(back)).toContain('The deal is already at "Proposed" (60 %); stages only move forward.');
    card = await kit.click('deal.win', press(card, 'deal.win'), kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(card)).toContain('受注・進捗 100%');
    expect(await row(deal.id)).toMatchObject({ substatus: 'Won', stage: 'won' });
  });

  test('Lost asks for a reason from the R16 list; without one the form answers, with one the deal closes', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser, COSELL);
    const card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser);
    const form = await kit.click('deal.lose.form', press(card, 'deal.lose.form'), kit.teams.tokyoUser);
    const reasons = form.body.find((e: any) => e.id === 'reason');
    expect(reasons.choices).toHaveLength(8);
    expect(cardText(form)).toContain('Customer chose another vendor');
    const again = await kit.click('deal.lose', press(form, 'deal.lose', { note: 'no reason given' }), kit.teams.tokyoUser);
    expect(cardText(again)).toContain('Choose one of the offered values.');
    expect(again.body.find((e: any) => e.id === 'note').value).toBe('no reason given');
    expect((await row(deal.id)).status).toBe('Active');
    const closed = await kit.click('deal.lose', press(form, 'deal.lose', { reason: 'customerChoseAnotherVendor', note: 'Went with a competitor.' }), kit.teams.tokyoUser);
    expect(cardText(closed)).toContain('Deal closed as Lost.');
    expect(cardText(closed)).toContain('Reason: Customer chose another vendor');
    expect(cardText(closed)).toContain('Went with a competitor.');
    expect(await row(deal.id)).toMatchObject({ status: 'Closed', substatus: 'Lost', closeReason: 'customerChoseAnotherVendor' });
  });
});
