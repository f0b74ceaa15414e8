import { type Locator, type Page } from 'playwright-core';
import { PLAYGROUND_USER } from '../../scripts/playground';
import { haveChromium, CHROMIUM } from './browserKit';
import { forbiddenTermsIn } from '../../src/domain';
import { demoPlaygroundSuite, leftoversIn, openPlayground as openPlaygroundPage, screenshotter, walk } from './walkKit';

/**
 * The real thing in a browser: the bot (real app, in-memory database, demo data) behind the Microsoft 365 Agents
 * Playground, driven with Debian's chromium. Screenshots go to tests/artifacts/. CI installs chromium (.ci/run);
 * locally the suite is skipped when /usr/bin/chromium is missing.
 */
/** Two months ahead: the wizard refuses a close date in the past (R13). */
const CLOSE_DATE = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
if (!haveChromium) {
  console.warn(`tests/e2e/playground.test.ts skipped: ${CHROMIUM} not found (install it: apt-get install -y chromium)`);
}



/** What the user types, clicks and reads, in each language the bot speaks. */
const FLOWS = {
  en: {
    client: null,
    welcome: 'Welcome to Co-sell deals',
    welcomeButton: 'New deal',
    command: 'new deal',
    step: (n: number) => `New deal · step ${n} of 6`,
    customerIntro: 'Choose the country, optionally the city',
    placeholder: 'e.g. Fabrikam',
    // The playground's client reports the US, so the US demo customer is the one to find.
    query: 'Wingtip',
    customer: 'Wingtip Toys',
    search: 'Search',
    found: /matching compan(y|ies) (found|shown)/,
    next: 'Next',
    done: (step: string) => `✔ ${step}: `,
    titles: { customer: 'Customer', contact: 'Customer contact', details: 'Deal details', team: 'Team', solution: 'Solution' },
    contact: { name: 'Contact name', phone: 'Phone', email: 'Email', consent: 'The customer consented to sharing these contact details with Microsoft' },
    details: { type: 'Solution assessment', name: 'Deal name', location: 'Location', value: 'Estimated value', currency: 'Currency', close: 'Estimated close date', notes: 'Notes' },
    member: 'Member 1',
    memberName: 'Name',
    assessmentType: 'Assessment type',
    assessmentLocation: 'Assessment location',
    reviewTitle: 'Review and create',
    consent: /I confirm the details are correct/,
    create: 'Create deal',
    created: (name: string) => new RegExp(`Deal #\\d+ "${name}" created\\.`),
    createdNotice: 'Deal created.',
    typeLabel: 'Solution assessment',
    stage: 'Accepted · 10 %',
    deal: { name: 'Wingtip migration assessment', location: 'Contoso US – Seattle', value: '250,000', currency: 'USD', notes: '40 VMs to Azure before the lease ends.', where: 'Wingtip HQ, Seattle', contact: 'Jamie Reyes', phone: '+1 206 555 0142', email: 'jamie@wingtiptoys.example', myPhone: '+1 425 555 0100' },
  },
  ja: {
    // A Teams client set to Japanese in Japan; the playground itself always sends en-US (see scripts/localeRelay.ts).
    client: { locale: 'ja-JP', country: 'JP' },
    welcome: '共同販売取引ボットへようこそ',
    welcomeButton: '新しい取引',
    command: '新しい取引',
    step: (n: number) => `新しい取引・ステップ ${n}/6`,
    customerIntro: '国と (必要に応じて) 市区町村を選び',
    placeholder: '例: サクラ物流',
    // Half-width katakana, as some Japanese keyboards type it: the search folds it to ハヤテ建設株式会社.
    query: 'ﾊﾔﾃ',
    customer: 'ハヤテ建設株式会社',
    search: '検索',
    found: /一致する会社(が \d+ 件見つかりました| \d+ 件のうち \d+ 件を表示しています)/,
    next: '次へ',
    done: (step: string) => `✔ ${step}: `,
    titles: { customer: '顧客', contact: '顧客の連絡先', details: '取引の詳細', team: 'チーム', solution: 'ソリューション' },
    contact: { name: '担当者名', phone: '電話番号', email: 'メールアドレス', consent: '顧客はこの連絡先を Microsoft と共有することに同意しています' },
    details: { type: 'ソリューション評価', name: '取引名', location: '場所', value: '推定値', currency: '通貨', close: '推定成立日', notes: 'ノート' },
    member: 'メンバー 1',
    memberName: '名前',
    assessmentType: '評価の種類',
    assessmentLocation: '評価の場所',
    reviewTitle: '確認して作成',
    consent: /内容が正しいこと/,
    create: '取引を作成',
    created: (name: string) => new RegExp(`取引 #\\d+「${name}」を作成しました。`),
    createdNotice: '取引を作成しました。',
    typeLabel: 'ソリューション評価',
    stage: '承認済み・進捗 10%',
    deal: { name: 'ハヤテ建設 移行評価', location: 'Contoso Japan – Tokyo', value: '１，５００，０００', currency: 'JPY', notes: '年度末までに VM 40 台を Azure へ移行したい。', where: '横浜本社', contact: '山田 太郎', phone: '045-555-0142', email: 'yamada@hayate.example', myPhone: '03-5555-0100' },
  },
} as const;

(haveChromium ? describe : describe.skip)('Agents Playground in a browser', () => {
  // As `npm run playground` prepares a fresh database: the demo customer directory, then the demo data.
  const suite = demoPlaygroundSuite();

  /** The bot behind a fresh playground (through the locale relay when the flow needs another client). */
  function openPlayground(flow: (typeof FLOWS)[keyof typeof FLOWS]): Promise<Page> {
    return openPlaygroundPage(suite.browser(), `${suite.app().url}/api/messages`, flow.client, suite.running);
  }

  test.each(Object.keys(FLOWS) as (keyof typeof FLOWS)[])(
    '%s: the welcome card greets the user; "new deal" walks the wizard through six steps and posts the deal card',
    async (lang) => {
      const f = FLOWS[lang];
      const d = f.deal;
      const app = suite.app();
      const page = await openPlayground(f);
      const shot = screenshotter(page, `playground-${lang}`);
      await walk(page, shot, walkWizard);

      async function walkWizard() {
      const cards = page.locator('.ac-adaptiveCard');
      /** The wizard's card at step n (older steps have shrunk to one line by then). */
      const stepCard = (n: number) => cards.filter({ hasText: f.step(n) }).last();
      const press = (scope: Locator, name: string) => scope.getByRole('button', { name, exact: true }).click();
      /** One card for the run: once the bot accepted a step, the next step's card lists it done, as one line on top. */
      const stepDone = (title: string, summary: string) => cards.filter({ hasText: f.done(title) }).filter({ hasText: summary }).last().waitFor();

      // Installing the app in the playground's personal chat: the welcome card, rendered by the playground.
      await page.getByText(f.welcome).first().waitFor();
      await page.getByRole('button', { name: f.welcomeButton, exact: true }).first().waitFor();
      // The admin just became reachable: the demo's waiting referral cards arrive now, before the wizard starts.
      await app.settle();
      await shot('1-welcome');

      // Typed into the message box, as a user would.
      const box = page.locator('[contenteditable=true]').first();
      await box.click();
      await box.fill(f.command);
      await page.keyboard.press('Enter');

      // Step 1, Customer: find the customer in the directory, pick it.
      const customer = stepCard(1);
      await customer.getByText(f.customerIntro).waitFor();
      await shot('2-wizard-customer');
      await customer.getByPlaceholder(f.placeholder).fill(f.query);
      await press(customer, f.search);
      await stepCard(1).getByText(f.found).waitFor();
      await stepCard(1).getByText(f.customer, { exact: false }).first().waitFor();
      // Each suggestion reads "name — address · DUNS"; the user picks theirs.
      await stepCard(1).getByRole('radio', { name: new RegExp(`^${f.customer} — `) }).check();
      await shot('3-wizard-customer-found');
      await press(stepCard(1), f.next);
      await stepDone(f.titles.customer, f.customer);

      // Step 2, Customer contact: a contact the customer agreed to share.
      const contact = stepCard(2);
      await contact.getByText(f.titles.contact, { exact: true }).waitFor();
      await shot('4-wizard-contact');
      await contact.getByLabel(f.contact.name, { exact: true }).fill(d.contact);
      await contact.getByLabel(f.contact.phone, { exact: true }).fill(d.phone);
      await contact.getByLabel(f.contact.email, { exact: true }).fill(d.email);
      await contact.getByLabel(f.contact.consent).check();
      await press(contact, f.next);
      await stepDone(f.titles.contact, d.contact);

      // Step 3, Deal details: type (radio), name, location (dropdown), value, close date (date input), notes.
      const details = stepCard(3);
      await details.getByText(f.titles.details, { exact: true }).waitFor();
      await details.getByLabel(f.details.type, { exact: true }).check();
      await details.getByLabel(f.details.name, { exact: true }).fill(d.name);
      // The playground draws a compact choice set as a Fluent combobox whose options open in a popup outside the card.
      await details.getByRole('combobox', { name: f.details.location }).click();
      await page.getByRole('option', { name: d.location, exact: true }).click();
      await details.getByLabel(f.details.value, { exact: true }).fill(d.value);
      // The currency is a choice from configuration (issue 14): "JPY — 日本円", "USD — US Dollar".
      await details.getByRole('combobox', { name: f.details.currency }).click();
      await page.getByRole('option', { name: new RegExp(`^${d.currency} `) }).click();
      await details.getByLabel(f.details.close, { exact: true }).fill(CLOSE_DATE);
      await details.getByLabel(f.details.notes, { exact: true }).fill(d.notes);
      await shot('5-wizard-details');
      await press(details, f.next);
      await stepDone(f.titles.details, d.name);

      // Step 4, Team: the user is pre-filled from the directory; the phone is typed.
      const team = stepCard(4);
      await team.getByText(f.member, { exact: true }).waitFor();
      expect(await team.getByLabel(f.memberName, { exact: true }).inputValue()).toBe(PLAYGROUND_USER.name);
      await team.getByLabel(f.contact.phone, { exact: true }).fill(d.myPhone);
      await press(team, f.next);
      await stepDone(f.titles.team, PLAYGROUND_USER.name);

      // Step 5, Solution: exactly one assessment type and where it takes place.
      const solution = stepCard(5);
      await solution.getByText(f.assessmentType, { exact: true }).waitFor();
      await solution.getByLabel('Data and Infrastructure Migration', { exact: true }).check();
      await solution.getByLabel(f.assessmentLocation, { exact: true }).fill(d.where);
      await press(solution, f.next);

      // Step 6, Review & consent: the summary of everything, the consent checkbox, Create deal.
      const review = stepCard(6);
      await review.getByText(f.reviewTitle, { exact: true }).waitFor();
      const summary = await review.innerText();
      for (const typed of [f.customer, d.contact, d.name, f.typeLabel, d.location, d.notes, PLAYGROUND_USER.name, d.where]) expect(summary).toContain(typed);
      await review.getByLabel(f.consent).check();
      await shot('6-wizard-review');
      await press(review, f.create);

      // The review card becomes the "created" line and the deal card is posted below it.
      await cards.filter({ hasText: f.created(d.name) }).last().waitFor();
      const dealCard = cards.filter({ hasText: f.createdNotice }).last();
      await dealCard.getByText(d.name, { exact: true }).waitFor();
      const text = await dealCard.innerText();
      expect(text).toContain(f.typeLabel);
      expect(text).toContain(f.stage);
      expect(text).toContain(f.customer);
      expect(text).toContain(d.location);
      await dealCard.scrollIntoViewIfNeeded();
      await shot('7-deal-card');

      // Stored as typed, through the same store the bot uses.
      const deal = await app.db.prisma.deal.findFirstOrThrow({ where: { name: d.name }, include: { customer: true } });
      expect(deal).toMatchObject({ type: 'solutionAssessment', stage: 'accepted', substatus: 'Accepted', currency: d.currency, assessmentLocation: d.where });
      expect(deal.customer.name).toBe(f.customer);
      expect(deal.closeDate.toISOString().slice(0, 10)).toBe(CLOSE_DATE);

      // Every card the user saw in this walk (welcome, referral cards, wizard, deal card): no template leftovers,
      // no unformatted numbers, and only the glossary's words (issue 14).
      for (const shown of await cards.allInnerTexts()) {
        expect(leftoversIn(shown)).toEqual([]);
        expect(forbiddenTermsIn(shown, lang)).toEqual([]);
      }
      }
    },
    // A bound, not a timing: the playground's first page load alone may take up to a minute on a loaded CI machine.
    180_000,
  );
});
