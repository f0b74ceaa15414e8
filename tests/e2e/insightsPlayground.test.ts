import path from 'node:path';
import { ARTIFACTS, freePort, haveChromium } from './browserKit';
import { demoPlaygroundSuite, openPlayground } from './walkKit';

/**
 * Issue 17, as a user tries it: the demo data behind the Agents Playground, `insights` / `分析` typed into the chat,
 * and the card's charts loaded by the browser from GET /charts/<signed id>.png (PUBLIC_BASE_URL is this app, as
 * `npm run playground` sets it). Screenshots go to tests/artifacts/. Skipped without /usr/bin/chromium.
 */


const FLOWS = {
  en: { client: null, command: 'insights', title: 'Insights', heading: 'Pipeline (Sales stage)', text: 'Win rate:' },
  ja: { client: { locale: 'ja-JP', country: 'JP' }, command: '分析', title: '分析', heading: '販売ステージ別のパイプライン', text: '勝率:' },
} as const;

(haveChromium ? describe : describe.skip)('insights in the Agents Playground', () => {
  // PUBLIC_BASE_URL is this app, as `npm run playground` sets it: the browser loads the charts from it.
  const suite = demoPlaygroundSuite({
    app: async () => {
      const port = await freePort();
      return { env: { PORT: String(port), PUBLIC_BASE_URL: `http://localhost:${port}` } };
    },
    browser: { viewport: { width: 1280, height: 1600 } },
  });

  test.each(Object.keys(FLOWS) as (keyof typeof FLOWS)[])('%s: the card shows three charts the browser loads, and the numbers', async (lang) => {
    const f = FLOWS[lang];
    const app = suite.app();
    const page = await openPlayground(suite.browser(), `${app.url}/api/messages`, f.client, suite.running);
    page.setDefaultTimeout(20_000);
    const charts: number[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/charts/')) charts.push(res.status());
    });
    try {
      await page.locator('.ac-adaptiveCard').first().waitFor();
      await app.settle();
      const box = page.locator('[contenteditable=true]').first();
      await box.click();
      await box.fill(f.command);
      await page.keyboard.press('Enter');
      const card = page.locator('.ac-adaptiveCard').filter({ hasText: f.heading }).last();
      await card.getByText(f.text, { exact: false }).first().waitFor();
      const images = card.locator('img');
      const loaded = () => images.evaluateAll((imgs) => imgs.filter((i: any) => i.complete && i.naturalWidth > 0).length);
      for (let i = 0; i < 100 && (await loaded()) < 3; i++) await page.waitForTimeout(200);
      const widths = await images.evaluateAll((imgs) => imgs.map((i: any) => i.naturalWidth as number));
      expect(widths).toEqual([880, 880, 880]);
      expect(charts.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: path.join(ARTIFACTS, `insights-${lang}.png`) });
    } finally {
      await page.close();
    }
  }, 120_000);
});
