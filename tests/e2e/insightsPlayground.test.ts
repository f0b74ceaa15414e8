import path from 'node:path';
import { type BrowserContext } from 'playwright-core';
import { PLAYGROUND_USER, startAgentsPlayground } from '../../scripts/playground';
import { seedDemoWithDirectory } from '../../scripts/seed';
import { startLocaleRelay } from '../../scripts/localeRelay';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { ARTIFACTS, freePort, haveChromium, openBrowser, type Browser } from './browserKit';

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
  let app: TestApp;
  let browser: BrowserContext;
  let browserKit: Browser | undefined;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    const port = await freePort();
    app = await startTestApp({ env: { PORT: String(port), PUBLIC_BASE_URL: `http://localhost:${port}` } });
    await seedDemoWithDirectory(app.db.prisma, undefined, { extraUsers: [PLAYGROUND_USER] });
    browserKit = await openBrowser({ viewport: { width: 1280, height: 1600 } });
    browser = browserKit.context;
  }, 45_000);

  afterAll(async () => {
    await browserKit?.close();
    for (const r of running.reverse()) await r.stop();
    await app?.close();
  });

  test.each(Object.keys(FLOWS) as (keyof typeof FLOWS)[])('%s: the card shows three charts the browser loads, and the numbers', async (lang) => {
    const f = FLOWS[lang];
    let endpoint = `${app.url}/api/messages`;
    if (f.client) {
      const relay = await startLocaleRelay(endpoint, f.client);
      running.push({ stop: relay.close });
      endpoint = relay.endpoint;
    }
    const playground = await startAgentsPlayground(endpoint, await freePort());
    running.push(playground);
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    const charts: number[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/charts/')) charts.push(res.status());
    });
    try {
      await page.goto(playground.url);
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
