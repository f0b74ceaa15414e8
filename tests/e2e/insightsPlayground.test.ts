import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { PLAYGROUND_USER, startAgentsPlayground } from '../../scripts/playground';
import { seedDemoWithDirectory } from '../../scripts/seed';
import { startLocaleRelay } from '../../scripts/localeRelay';
import { startTestApp, type TestApp } from '../helpers/testApp';

/**
 * Issue 17, as a user tries it: the demo data behind the Agents Playground, `insights` / `分析` typed into the chat,
 * and the card's charts loaded by the browser from GET /charts/<signed id>.png (PUBLIC_BASE_URL is this app, as
 * `npm run playground` sets it). Screenshots go to tests/artifacts/. Skipped without /usr/bin/chromium.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const haveChromium = fs.existsSync(CHROMIUM);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const FLOWS = {
  en: { client: null, command: 'insights', title: 'Insights', heading: 'Pipeline (Sales stage)', text: 'Win rate:' },
  ja: { client: { locale: 'ja-JP', country: 'JP' }, command: '分析', title: '分析', heading: '販売ステージ別のパイプライン', text: '勝率:' },
} as const;

(haveChromium ? describe : describe.skip)('insights in the Agents Playground', () => {
  let app: TestApp;
  let browser: BrowserContext;
  let profile: string;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    app = await startTestApp({ env: { PORT: String(port), PUBLIC_BASE_URL: `http://localhost:${port}` } });
    await seedDemoWithDirectory(app.db.prisma, undefined, { extraUsers: [PLAYGROUND_USER] });
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-e2e-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 1600 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    for (const r of running.reverse()) await r.stop();
    await app?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
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
