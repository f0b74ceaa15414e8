import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PLAYGROUND_USER, startAgentsPlayground, type RunningPlayground } from '../../scripts/playground';
import { seedDemo } from '../../scripts/seed';
import { startTestApp, type TestApp } from '../helpers/testApp';

/**
 * The real thing in a browser: the bot (real app, in-memory database, demo data) behind the Microsoft 365 Agents
 * Playground, driven with Debian's chromium. Screenshots go to tests/artifacts/. CI installs chromium (.ci/run);
 * locally the suite is skipped when /usr/bin/chromium is missing.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`tests/e2e/playground.test.ts skipped: ${CHROMIUM} not found (install it: apt-get install -y chromium)`);
}

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

(haveChromium ? describe : describe.skip)('Agents Playground in a browser', () => {
  let app: TestApp;
  let playground: RunningPlayground;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `playground-${name}.png`) });

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp();
    await seedDemo(app.db.prisma, undefined, { extraUsers: [PLAYGROUND_USER] });
    playground = await startAgentsPlayground(`${app.url}/api/messages`, await freePort());
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-e2e-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(15_000);
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await app?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  test('the welcome card greets the new user; "new deal" opens the wizard; its first step searches and moves on', async () => {
    await page.goto(playground.url);
    // Installing the app in the playground's personal chat: the welcome card, rendered by the playground.
    await page.getByText('Welcome to Co-sell deals').first().waitFor();
    await page.getByRole('button', { name: 'New deal', exact: true }).first().waitFor();
    await shot('1-welcome');

    // Typed into the message box, as a user would.
    const box = page.locator('[contenteditable=true]').first();
    await box.click();
    await box.fill('new deal');
    await page.keyboard.press('Enter');

    // The wizard's first step: find the customer in the directory.
    await page.getByText('Choose the country, optionally the city').first().waitFor();
    const search = page.getByRole('button', { name: 'Search', exact: true }).last();
    await search.waitFor();
    await shot('2-wizard-customer');

    // The playground's client reports the US, so the US demo customer is the one to find.
    await page.getByPlaceholder('e.g. Fabrikam').last().fill('Wingtip');
    await search.click();
    await page.getByText(/matching compan(y|ies) found/).last().waitFor();
    await page.getByText('Wingtip Toys', { exact: false }).last().waitFor();
    await shot('3-wizard-customer-found');

    await page.getByRole('button', { name: 'Next', exact: true }).last().click();
    // The first step closes with the customer chosen; the second (the customer's contact) follows.
    await page.getByText(/Customer: Wingtip Toys/).last().waitFor();
    await page.getByText('Customer contact', { exact: true }).last().waitFor();
    await page.getByText(/step 2 of 6/).last().waitFor();
    await shot('4-wizard-contact');
  }, 50_000);
});
